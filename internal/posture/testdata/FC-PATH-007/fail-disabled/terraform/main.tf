provider "aws" {
  region = "eu-central-1"
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}
