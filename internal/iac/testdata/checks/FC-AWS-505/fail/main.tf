resource "aws_iam_policy" "stacks" {
  name = "stacks"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Sid = "Pass"
        Action = "iam:PassRole"
        Resource = "*"
      },
      {
        Effect = "Allow"
        Sid = "Use"
        Action = ["cloudformation:CreateStack"]
        Resource = "*"
      },
    ]
  })
}
