data "aws_iam_policy_document" "self_put" {
  statement {
    actions = ["iam:PutUserPolicy"]
    resources = ["arn:aws:iam::*:user/$${aws:username}"]
  }
}
resource "aws_iam_policy" "self_put" {
  name   = "self_put"
  policy = data.aws_iam_policy_document.self_put.json
}
