data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-data/*"]
  }
}
resource "aws_iam_policy" "read" {
  policy = data.aws_iam_policy_document.read.json
}
