resource "aws_iam_policy" "deploy_any" {
  name = "deploy_any"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "lambda:Update*"
        Resource = "arn:aws:lambda:*:*:function:*"
      },
    ]
  })
}
