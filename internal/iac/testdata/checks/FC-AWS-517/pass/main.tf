resource "aws_iam_role_policy" "joiner" {
  name   = "joiner"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:AddUserToGroup"
      ],
      "Resource": "arn:aws:iam::123456789012:group/readers"
    }
  ]
}
EOF
}
