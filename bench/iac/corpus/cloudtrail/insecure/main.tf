# Account audit trails, one per weakness.

resource "aws_cloudtrail" "single_region" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-cloudtrail"
  include_global_service_events = true
  is_multi_region_trail      = false
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch"
}

resource "aws_cloudtrail" "no_validation" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-cloudtrail"
  include_global_service_events = true
  is_multi_region_trail      = true
  enable_log_file_validation = false
  kms_key_id                 = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch"
}

resource "aws_cloudtrail" "no_kms" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-cloudtrail"
  include_global_service_events = true
  is_multi_region_trail      = true
  enable_log_file_validation = true
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch"
}

resource "aws_cloudtrail" "no_cloudwatch" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-cloudtrail"
  include_global_service_events = true
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_cloudtrail" "paused" {
  name                          = "paused-trail"
  s3_bucket_name                = "acme-cloudtrail"
  include_global_service_events = true
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  kms_key_id                    = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  cloud_watch_logs_group_arn    = "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*"
  cloud_watch_logs_role_arn     = "arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch"
  enable_logging                = false
}
