# Deliberately insecure cloud side of the shop example (fourc example).
variable "region" {
  default = "eu-west-1"
}

variable "admin_cidr" {
  default = "0.0.0.0/0"
}

locals {
  name = "shop"
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "backups" {
  bucket = "${local.name}-backups"
}

resource "aws_security_group" "cluster" {
  name = "${local.name}-cluster"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }

  ingress {
    description = "Kubernetes API"
    from_port   = 6443
    to_port     = 6443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "${var.region}a"
  size              = 100
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.cluster.id]
}

resource "aws_eks_cluster" "shop" {
  name     = local.name
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids             = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    endpoint_public_access = true
  }
}

module "workload_role" {
  source            = "./modules/workload-role"
  name              = local.name
  oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  bucket_arn        = aws_s3_bucket.backups.arn
}
