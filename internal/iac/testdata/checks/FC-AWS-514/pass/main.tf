data "aws_iam_policy_document" "read" {
  statement {
    actions = ["iam:GetUserPolicy"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "read" {
  name   = "read"
  policy = data.aws_iam_policy_document.read.json
}
