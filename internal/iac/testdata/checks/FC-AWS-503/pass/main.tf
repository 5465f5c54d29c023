resource "aws_iam_policy" "launcher_scoped" {
  name = "launcher_scoped"
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
        Action = ["ec2:RunInstances"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "launcher_nopass" {
  statement {
    actions = ["ec2:RunInstances"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "launcher_nopass" {
  name   = "launcher_nopass"
  policy = data.aws_iam_policy_document.launcher_nopass.json
}

resource "aws_iam_role_policy" "launcher_partial" {
  name   = "launcher_partial"
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
