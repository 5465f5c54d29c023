data "aws_iam_policy_document" "deployer" {
  statement {
    actions = ["iam:PassRole"]
    resources = ["*"]
  }
  statement {
    actions = ["lambda:CreateFunction", "lambda:InvokeFunction"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "deployer" {
  name   = "deployer"
  policy = data.aws_iam_policy_document.deployer.json
}

resource "aws_iam_policy" "mapper" {
  name = "mapper"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"]
        Resource = "*"
      },
    ]
  })
}
