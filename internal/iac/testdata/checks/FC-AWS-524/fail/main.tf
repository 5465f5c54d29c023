data "aws_iam_policy_document" "public" {
  statement {
    actions = ["lambda:UpdateFunctionCode"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_policy" "public" {
  name   = "public"
  policy = data.aws_iam_policy_document.public.json
}
