# Detection services of the account.

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = "arn:aws:iam::123456789012:role/aws-config"
  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = "default"
  is_enabled = true
}

resource "aws_config_configuration_aggregator" "org" {
  name = "org"
  account_aggregation_source {
    account_ids = ["123456789012"]
    all_regions = true
  }
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_securityhub_account" "main" {
  enable_default_standards = true
}
