provider "aws" {
  region = "eu-west-1"
}

locals {
  name_prefix = "acme-${var.env}"
  buckets     = toset(["logs", "backups"])
  common_tags = {
    env   = var.env
    owner = "platform"
  }
  bastions = var.env == "prod" ? 2 : 1
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "${local.name_prefix}-${each.key}"
  tags     = merge(local.common_tags, { purpose = each.key })
}

# Only the logs bucket is encrypted.
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.this["logs"].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = aws_s3_bucket.this
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_security_group" "bastion" {
  name = "${local.name_prefix}-bastion"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.allowed_ssh_cidrs
  }
}

resource "aws_instance" "bastion" {
  count                       = local.bastions
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  tags                        = merge(local.common_tags, { Name = "bastion-${count.index}" })
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 50
  encrypted         = var.volume_encrypted
}

resource "aws_db_instance" "orders" {
  identifier          = "${local.name_prefix}-orders"
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  storage_encrypted   = true
  publicly_accessible = var.db_public
  deletion_protection = true
}

resource "aws_iam_policy" "app" {
  name = "${local.name_prefix}-app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:DeleteObject"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${aws_s3_bucket.this["logs"].arn}/*"
      },
    ]
  })
}

module "cluster" {
  source        = "./modules/cluster"
  name          = local.name_prefix
  public_access = true
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  name    = local.name_prefix
}
