provider "aws" {
  region = "eu-west-1"
}

# The account's baseline: a password policy and GuardDuty, but no trail.
resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_symbols                = true
  require_numbers                = true
  require_uppercase_characters   = true
  require_lowercase_characters   = true
  allow_users_to_change_password = true
  password_reuse_prevention      = 24
  max_password_age               = 90
}

resource "aws_guardduty_detector" "main" {
  enable = true
}
