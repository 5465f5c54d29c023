resource "aws_iam_policy" "put_group" {
  name = "put_group"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:Put*"
        Resource = "*"
      },
    ]
  })
}
