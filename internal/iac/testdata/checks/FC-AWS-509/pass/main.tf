data "aws_iam_policy_document" "console" {
  statement {
    actions = ["iam:CreateLoginProfile"]
    resources = ["arn:aws:iam::*:user/$${aws:username}"]
  }
}
resource "aws_iam_policy" "console" {
  name   = "console"
  policy = data.aws_iam_policy_document.console.json
}
