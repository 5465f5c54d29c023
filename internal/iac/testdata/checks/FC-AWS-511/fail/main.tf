resource "aws_iam_policy" "self_attach" {
  name = "self_attach"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:AttachUserPolicy"
        Resource = "arn:aws:iam::*:user/$${aws:username}"
      },
    ]
  })
}
