resource "aws_iam_policy" "all" {
  name = "all"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "*"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "iam_read" {
  name   = "iam_read"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:Get*",
        "iam:List*"
      ],
      "Resource": "*"
    }
  ]
}
EOF
}

data "aws_iam_policy_document" "denied" {
  statement {
    actions = ["iam:*"]
    resources = ["*"]
  }
  statement {
    effect = "Deny"
    actions = ["iam:Put*", "iam:Attach*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "denied" {
  name   = "denied"
  policy = data.aws_iam_policy_document.denied.json
}

resource "aws_iam_policy" "scoped" {
  name = "scoped"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = "iam:*"
        Resource = "arn:aws:iam::123456789012:user/bob"
      },
    ]
  })
}
