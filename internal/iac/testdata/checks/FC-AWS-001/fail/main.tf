resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
resource "aws_s3_bucket" "other" {
  bucket = "acme-other"
}
# encrypts the other bucket only
resource "aws_s3_bucket_server_side_encryption_configuration" "other" {
  bucket = aws_s3_bucket.other.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
