resource "aws_iam_policy" "codestar_scoped" {
  name = "codestar_scoped"
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
        Action = ["codestar:CreateProject"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "codestar_nopass" {
  statement {
    actions = ["codestar:CreateProject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "codestar_nopass" {
  name   = "codestar_nopass"
  policy = data.aws_iam_policy_document.codestar_nopass.json
}

resource "aws_iam_role_policy" "codestar_partial" {
  name   = "codestar_partial"
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
