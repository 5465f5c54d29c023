data "aws_iam_policy_document" "ci" {
  statement {
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["*"]
  }
}
