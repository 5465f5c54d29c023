resource "aws_iam_policy" "ci" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ec2:Describe*", "s3:ListAllMyBuckets"], Resource = "*" },
      { Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::acme-artifacts/*" },
    ]
  })
}
