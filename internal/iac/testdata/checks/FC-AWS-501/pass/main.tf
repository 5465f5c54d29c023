resource "aws_iam_role_policy" "named" {
  name   = "named"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:CreatePolicyVersion"
      ],
      "Resource": "arn:aws:iam::123456789012:policy/app-deploy"
    }
  ]
}
EOF
}

resource "aws_iam_policy" "denied" {
  name = "denied"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:Create*"
        Resource = "*"
      },
      {
        Effect = "Deny"
        Action = "iam:CreatePolicyVersion"
        Resource = "*"
      },
    ]
  })
}
