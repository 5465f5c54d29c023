# Broad grants that platform teams hand out "for now".

resource "aws_iam_policy" "all_actions" {
  name = "data-team"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
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
      Resource = "arn:aws:s3:::acme-reports/*"
    }]
  })
}

resource "aws_iam_role_policy" "admin_inline" {
  name = "bootstrap"
  role = aws_iam_role.terraform_bootstrap.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "dynamodb:PutItem"]
      Resource = ["arn:aws:s3:::acme-tf-state/*", "arn:aws:dynamodb:eu-west-1:123456789012:table/tf-locks"]
    }]
  })
}

resource "aws_iam_group_policy" "service_star" {
  name = "state-access"
  group = aws_iam_group.ci_service_star.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::acme-tf-state/*"
    }]
  })
}

resource "aws_iam_group_policy_attachment" "admin_user" {
  group      = aws_iam_group.readers.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "admin_role" {
  role       = aws_iam_role.app_backend.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

resource "aws_iam_policy" "not_action" {
  name = "power-user"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["ec2:DescribeInstances", "cloudwatch:GetMetricData"]
      Resource  = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234567890def"
    }]
  })
}

resource "aws_iam_group_policy" "not_resource" {
  name  = "ops-buckets"
  group = aws_iam_group.ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect      = "Allow"
      Action      = ["s3:DeleteObject"]
      Resource    = "arn:aws:s3:::acme-ops-scratch/*"
    }]
  })
}

resource "aws_iam_group_policy" "inline_admin" {
  name = "legacy-ops"
  group = aws_iam_group.bob_inline_admin.name
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["ec2:DescribeInstances"],
          "Resource": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234567890def"
        }
      ]
    }
  POLICY
}

resource "aws_iam_group_policy_attachment" "admin_group" {
  group      = aws_iam_group.developers.name
  policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}

resource "aws_iam_role_policy" "assume_any" {
  name = "hop"
  role = aws_iam_role.jump.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::123456789012:role/readonly-audit"
    }]
  })
}

# The principals the policies above are given to.
resource "aws_iam_role" "terraform_bootstrap" {
  name = "terraform-bootstrap"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_role" "app_backend" {
  name = "app-backend"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_group" "ops" {
  name = "ops"
}

resource "aws_iam_user" "bob" {
  name = "bob"
}

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_role" "jump" {
  name = "jump"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Permissions reach users through groups.
resource "aws_iam_group" "ci_service_star" {
  name = "ci-service-star"
}

resource "aws_iam_user_group_membership" "ci_service_star" {
  user   = aws_iam_user.ci.name
  groups = [aws_iam_group.ci_service_star.name]
}

# Permissions reach users through groups.
resource "aws_iam_group" "bob_inline_admin" {
  name = "bob-inline-admin"
}

resource "aws_iam_user_group_membership" "bob_inline_admin" {
  user   = aws_iam_user.bob.name
  groups = [aws_iam_group.bob_inline_admin.name]
}

resource "aws_iam_group" "readers" {
  name = "readers"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.readers.name]
}
