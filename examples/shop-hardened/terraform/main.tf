# Hardened cloud side of the shop example (fourc example).
variable "region" {
  default = "eu-west-1"
}

variable "admin_cidr" {
  default = "10.20.0.0/16"
}

locals {
  name = "shop"
}

provider "aws" {
  region = var.region
}

resource "aws_kms_key" "shop" {
  description         = "shop data"
  enable_key_rotation = true
}

# Every new EBS volume of the account, including those the cluster's
# StorageClasses create, is encrypted with the shop key.
resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_ebs_default_kms_key" "this" {
  key_arn = aws_kms_key.shop.arn
}

resource "aws_s3_bucket" "backups" {
  bucket              = "${local.name}-backups"
  object_lock_enabled = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.shop.arn
    }
  }
}

# Deleting a version or suspending versioning needs the root account's MFA
# device: "SERIAL CODE", given at apply time.
variable "root_mfa" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket_versioning" "backups" {
  bucket = aws_s3_bucket.backups.id
  mfa    = var.root_mfa
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "backups" {
  bucket                  = aws_s3_bucket.backups.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_object_lock_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 30
    }
  }
}

resource "aws_security_group" "cluster" {
  name        = "${local.name}-cluster"
  description = "Kubernetes API, reachable from the admin network only"

  ingress {
    description = "Kubernetes API from the admin network"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "${var.region}a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.shop.arn
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
  subnet_id                   = "subnet-0a1b2c3d"
  vpc_security_group_ids      = [aws_security_group.cluster.id]
  monitoring                  = true

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_eks_cluster" "shop" {
  name                      = local.name
  role_arn                  = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  vpc_config {
    subnet_ids              = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.shop.arn
    }
  }
}

resource "aws_cloudtrail" "main" {
  name                          = "${local.name}-trail"
  s3_bucket_name                = aws_s3_bucket.backups.id
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  include_global_service_events = true
  kms_key_id                    = aws_kms_key.shop.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = "arn:aws:iam::123456789012:role/cloudtrail-logs"
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = "${local.name}-trail"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.shop.arn
}

# Access logs of the backups bucket go to a bucket of their own.
resource "aws_s3_bucket_logging" "backups" {
  bucket        = aws_s3_bucket.backups.id
  target_bucket = "${local.name}-access-logs"
  target_prefix = "backups/"
}

module "workload_role" {
  source            = "./modules/workload-role"
  name              = local.name
  oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  oidc_issuer       = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  bucket_arn        = aws_s3_bucket.backups.arn
}
