resource "aws_iam_policy" "pipeline_scoped" {
  name = "pipeline_scoped"
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
        Action = ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "pipeline_nopass" {
  statement {
    actions = ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "pipeline_nopass" {
  name   = "pipeline_nopass"
  policy = data.aws_iam_policy_document.pipeline_nopass.json
}

resource "aws_iam_role_policy" "pipeline_partial" {
  name   = "pipeline_partial"
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
        "datapipeline:CreatePipeline"
      ],
      "Resource": "*"
    }
  ]
}
EOF
}
