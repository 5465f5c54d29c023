resource "aws_iam_policy" "glue" {
  name = "glue"
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
        Action = ["glue:CreateDevEndpoint"]
        Resource = "*"
      },
    ]
  })
}
