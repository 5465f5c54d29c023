provider "aws" {
  region = "eu-central-1"
}

resource "aws_kms_key" "ebs" {
  description         = "default key of the account's EBS volumes"
  enable_key_rotation = true
}

resource "aws_ebs_encryption_by_default" "this" {}

resource "aws_ebs_default_kms_key" "this" {
  key_arn = aws_kms_key.ebs.arn
}
