# The account password policy (an account has one: each variant is its own root module).

resource "aws_iam_account_password_policy" "no_lowercase" {
  minimum_password_length        = 16
  require_lowercase_characters   = true
  require_uppercase_characters   = true
  require_numbers                = true
  require_symbols                = true
  allow_users_to_change_password = true
  max_password_age               = 90
  password_reuse_prevention      = 24
}
