# The IAM role the shop's pods assume through the cluster's OIDC provider
# (IAM roles for service accounts), with its permissions.
variable "name" {}
variable "oidc_provider_arn" {}
variable "bucket_arn" {}

resource "aws_iam_role" "this" {
  name = "${var.name}-workload"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  name = "${var.name}-workload"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:*"], Resource = "*" },
      { Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "*" },
    ]
  })
}
