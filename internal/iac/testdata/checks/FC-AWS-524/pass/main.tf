data "aws_iam_policy_document" "public_cond" {
  statement {
    actions = ["lambda:UpdateFunctionCode"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-abc123"]
    }
  }
}
resource "aws_iam_policy" "public_cond" {
  name   = "public_cond"
  policy = data.aws_iam_policy_document.public_cond.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_policy" "trust" {
  name   = "trust"
  policy = data.aws_iam_policy_document.trust.json
}
