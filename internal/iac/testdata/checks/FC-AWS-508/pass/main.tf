resource "aws_iam_policy" "own_keys" {
  name = "own_keys"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = ["iam:CreateAccessKey", "iam:DeleteAccessKey"]
        Resource = "arn:aws:iam::*:user/$${aws:username}"
      },
    ]
  })
}
