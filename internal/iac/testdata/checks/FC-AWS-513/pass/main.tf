resource "aws_iam_policy" "attach_only" {
  name = "attach_only"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:AttachRolePolicy"
        Resource = "arn:aws:iam::123456789012:role/*"
      },
    ]
  })
}
