data "aws_iam_policy_document" "ssm_ops" {
  statement {
    actions = ["ssm:SendCommand"]
    resources = ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:document/AWS-RunShellScript"]
  }
}
resource "aws_iam_policy" "ssm_ops" {
  name   = "ssm_ops"
  policy = data.aws_iam_policy_document.ssm_ops.json
}

resource "aws_iam_policy" "sessions" {
  name = "sessions"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "ssm:StartSession"
        Resource = "*"
      },
    ]
  })
}
