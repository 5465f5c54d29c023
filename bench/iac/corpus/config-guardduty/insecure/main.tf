# Detection services of the account.

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = "arn:aws:iam::123456789012:role/aws-config"
  recording_group {
    all_supported                 = false
    resource_types                = ["AWS::EC2::Instance"]
    include_global_resource_types = true
  }
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = "default"
  is_enabled = false
}

resource "aws_config_configuration_aggregator" "org" {
  name = "org"
  account_aggregation_source {
    account_ids = ["123456789012"]
    regions     = ["eu-west-1"]
  }
}

resource "aws_guardduty_detector" "main" {
  enable = false
}

resource "aws_securityhub_account" "main" {
  enable_default_standards = false
}
