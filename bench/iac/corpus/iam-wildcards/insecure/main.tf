# Broad grants that platform teams hand out "for now".

resource "aws_iam_policy" "all_actions" {
  name = "data-team"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "arn:aws:s3:::acme-data-lake/*"
    }]
  })
}

resource "aws_iam_policy" "all_resources" {
  name = "report-reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "admin_inline" {
  name = "bootstrap"
  role = "terraform-bootstrap"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_user_policy" "service_star" {
  name = "state-access"
  user = "ci"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = "arn:aws:s3:::acme-tf-state/*"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "admin_user" {
  user       = "alice"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy_attachment" "admin_role" {
  role       = "app-backend"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy" "not_action" {
  name = "power-user"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:*", "organizations:*"]
      Resource  = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234567890def"
    }]
  })
}

resource "aws_iam_group_policy" "not_resource" {
  name  = "ops-buckets"
  group = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect      = "Allow"
      Action      = ["s3:DeleteObject"]
      NotResource = "arn:aws:s3:::acme-audit-logs/*"
    }]
  })
}

resource "aws_iam_user_policy" "inline_admin" {
  name = "legacy-ops"
  user = "bob"
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["ec2:*", "iam:*"],
          "Resource": "*"
        }
      ]
    }
  POLICY
}

resource "aws_iam_group_policy_attachment" "admin_group" {
  group      = "developers"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy" "assume_any" {
  name = "hop"
  role = "jump"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "*"
    }]
  })
}
