resource "aws_s3_bucket" "backups" {
  bucket              = "acme-db-backups"
  object_lock_enabled = true
}
