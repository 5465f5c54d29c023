# The IAM role the shop's pods assume through the cluster's OIDC provider
# (IAM roles for service accounts): only the shop's service account may
# take it, and it may only read and write the backups bucket's objects.
variable "name" {}
variable "oidc_provider_arn" {}
variable "oidc_issuer" {}
variable "bucket_arn" {}

resource "aws_iam_role" "this" {
  name = "${var.name}-workload"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${var.oidc_issuer}:sub" = "system:serviceaccount:shop:api"
          "${var.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  name = "${var.name}-workload"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${var.bucket_arn}/*" },
    ]
  })
}
