data "aws_iam_policy_document" "console" {
  statement {
    actions = ["iam:CreateLoginProfile"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "console" {
  name   = "console"
  policy = data.aws_iam_policy_document.console.json
}
