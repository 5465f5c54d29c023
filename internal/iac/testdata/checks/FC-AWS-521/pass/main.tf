data "aws_iam_policy_document" "ssm_ops" {
  statement {
    actions = ["ssm:SendCommand"]
    resources = ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234def567890"]
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
        Action = "ssm:DescribeSessions"
        Resource = "*"
      },
    ]
  })
}
