resource "aws_iam_policy" "attach_assume" {
  name = "attach_assume"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:AttachRolePolicy"
        Resource = "arn:aws:iam::123456789012:role/*"
      },
      {
        Effect = "Allow"
        Action = "sts:AssumeRole"
        Resource = "arn:aws:iam::123456789012:role/*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "self_attach" {
  name   = "self_attach"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:AttachRolePolicy",
      "Resource": "*"
    }
  ]
}
EOF
}
