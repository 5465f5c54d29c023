resource "aws_iam_policy" "stacks_scoped" {
  name = "stacks_scoped"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:PassRole"
        Resource = "arn:aws:iam::123456789012:role/app-lambda"
      },
      {
        Effect = "Allow"
        Action = ["cloudformation:CreateStack"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "stacks_nopass" {
  statement {
    actions = ["cloudformation:CreateStack"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "stacks_nopass" {
  name   = "stacks_nopass"
  policy = data.aws_iam_policy_document.stacks_nopass.json
}

resource "aws_iam_role_policy" "stacks_partial" {
  name   = "stacks_partial"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:PassRole"
      ],
      "Resource": "arn:aws:iam::123456789012:role/*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject"
      ],
      "Resource": "*"
    }
  ]
}
EOF
}
