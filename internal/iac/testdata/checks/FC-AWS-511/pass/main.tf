resource "aws_iam_policy" "detach" {
  name = "detach"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = ["iam:DetachUserPolicy", "iam:ListAttachedUserPolicies"]
        Resource = "*"
      },
    ]
  })
}
