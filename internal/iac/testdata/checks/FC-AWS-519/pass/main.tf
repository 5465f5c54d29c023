resource "aws_iam_policy" "deploy_one" {
  name = "deploy_one"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "lambda:UpdateFunctionCode"
        Resource = "arn:aws:lambda:eu-west-1:123456789012:function:api"
      },
    ]
  })
}
