resource "aws_iam_policy" "iam_admin" {
  name = "iam_admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:*"
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "not_action" {
  statement {
    not_actions = ["s3:*", "ec2:*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "not_action" {
  name   = "not_action"
  policy = data.aws_iam_policy_document.not_action.json
}
