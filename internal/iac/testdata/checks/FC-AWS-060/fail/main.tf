resource "aws_iam_role_policy" "admin" {
  role   = "ops"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
}
EOF
}
