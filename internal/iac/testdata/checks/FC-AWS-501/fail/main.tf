resource "aws_iam_role_policy" "policy_admin" {
  name   = "policy_admin"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:CreatePolicyVersion",
        "iam:ListPolicies"
      ],
      "Resource": "arn:aws:iam::*:policy/*"
    }
  ]
}
EOF
}
