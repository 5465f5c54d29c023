data "aws_iam_policy_document" "trust_editor" {
  statement {
    actions = ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "trust_editor" {
  name   = "trust_editor"
  policy = data.aws_iam_policy_document.trust_editor.json
}
