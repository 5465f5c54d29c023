resource "aws_iam_policy" "connect" {
  name = "connect"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "ec2-instance-connect:*"
        Resource = "*"
      },
    ]
  })
}
