resource "aws_iam_role_policy" "glue_ops" {
  name   = "glue_ops"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "glue:GetDevEndpoint*",
      "Resource": "*"
    }
  ]
}
EOF
}
