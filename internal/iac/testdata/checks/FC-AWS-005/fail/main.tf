resource "aws_s3_bucket" "vault" {
  bucket = "acme-vault"
  tags = {
    purpose = "nightly backup"
  }
}
