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
      {
        Effect = "Deny"
        Action = "iam:PutGroupPolicy"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_policy" "cond_deny" {
  name = "cond_deny"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:PutGroupPolicy"
        Resource = "arn:aws:iam::123456789012:group/ops"
      },
    ]
  })
}
