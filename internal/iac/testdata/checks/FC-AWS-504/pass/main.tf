resource "aws_iam_policy" "deployer_scoped" {
  name = "deployer_scoped"
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
        Action = ["lambda:CreateFunction", "lambda:InvokeFunction"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "deployer_nopass" {
  statement {
    actions = ["lambda:CreateFunction", "lambda:InvokeFunction"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "deployer_nopass" {
  name   = "deployer_nopass"
  policy = data.aws_iam_policy_document.deployer_nopass.json
}

resource "aws_iam_role_policy" "deployer_partial" {
  name   = "deployer_partial"
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
        "lambda:CreateFunction"
      ],
      "Resource": "*"
    }
  ]
}
EOF
}
