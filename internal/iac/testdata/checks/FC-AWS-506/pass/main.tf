resource "aws_iam_policy" "glue_scoped" {
  name = "glue_scoped"
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
        Action = ["glue:CreateDevEndpoint"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "glue_nopass" {
  statement {
    actions = ["glue:CreateDevEndpoint"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "glue_nopass" {
  name   = "glue_nopass"
  policy = data.aws_iam_policy_document.glue_nopass.json
}

resource "aws_iam_role_policy" "glue_partial" {
  name   = "glue_partial"
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
