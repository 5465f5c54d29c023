resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
resource "aws_s3_bucket_versioning" "data" {
  bucket = "acme-data"
  versioning_configuration {
    status = "Enabled"
  }
}
