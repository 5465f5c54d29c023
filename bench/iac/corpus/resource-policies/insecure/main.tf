# Resource policies on shared infrastructure. The resources they govern are
# named by their IDs, as if managed by another workspace.

resource "aws_s3_bucket_policy" "public_read" {
  bucket = "acme-public-assets"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TLSOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-public-assets", "arn:aws:s3:::acme-public-assets/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }, {
      Sid       = "Read"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-public-assets/*"
    }]
  })
}

resource "aws_s3_bucket_policy" "any_account_write" {
  bucket = "acme-partner-drop"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TLSOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-partner-drop", "arn:aws:s3:::acme-partner-drop/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }, {
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["s3:PutObject"]
      Resource  = "arn:aws:s3:::acme-partner-drop/incoming/*"
    }]
  })
}

resource "aws_ecr_repository_policy" "shared" {
  repository = "platform/base-images"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Share"
      Effect    = "Allow"
      Principal = "*"
      Action = [
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "ecr:PutImage",
      ]
    }]
  })
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["sqs:SendMessage", "sqs:ReceiveMessage"]
      Resource  = "arn:aws:sqs:eu-west-1:123456789012:orders"
    }]
  })
}

resource "aws_sqs_queue_policy" "all_actions" {
  queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/invoices"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
      Action    = "sqs:*"
      Resource  = "arn:aws:sqs:eu-west-1:123456789012:invoices"
    }]
  })
}

resource "aws_sns_topic_policy" "alerts" {
  arn = "arn:aws:sns:eu-west-1:123456789012:alerts"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["sns:Publish", "sns:Subscribe"]
      Resource  = "arn:aws:sns:eu-west-1:123456789012:alerts"
    }]
  })
}

resource "aws_glacier_vault" "archive" {
  name = "finance-archive"
  access_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["glacier:DeleteArchive", "glacier:InitiateJob"]
      Resource  = "arn:aws:glacier:eu-west-1:123456789012:vaults/finance-archive"
    }]
  })
}

resource "aws_kms_key" "shared" {
  description         = "shared data key"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everyone"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_opensearch_domain_policy" "search" {
  domain_name = "product-search"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:*"
      Resource  = "arn:aws:es:eu-west-1:123456789012:domain/product-search/*"
    }]
  })
}

resource "aws_iam_role" "trust_any" {
  name = "cross-account-reader"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "trust_star" {
  name = "legacy-integration"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_lambda_permission" "public_invoke" {
  statement_id  = "AllowInvoke"
  action        = "lambda:InvokeFunction"
  function_name = "thumbnailer"
  principal     = "*"
}

resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-main-AbCdEf"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
