# The account's trail, so that the baseline is complete.
resource "aws_cloudtrail" "account" {
  name                          = "account"
  s3_bucket_name                = "acme-audit-logs"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-0000000000aa"
  cloud_watch_logs_group_arn    = "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*"
  cloud_watch_logs_role_arn     = "arn:aws:iam::123456789012:role/cloudtrail-logs"
}
