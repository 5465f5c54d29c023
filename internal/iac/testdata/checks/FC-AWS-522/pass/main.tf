resource "aws_iam_policy" "connect" {
  name = "connect"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "ec2-instance-connect:SendSSHPublicKey"
        Resource = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234def567890"
      },
    ]
  })
}
