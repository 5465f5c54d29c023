resource "aws_iam_policy" "launcher" {
  name = "launcher"
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
        Action = ["ec2:RunInstances"]
        Resource = "*"
      },
    ]
  })
}
