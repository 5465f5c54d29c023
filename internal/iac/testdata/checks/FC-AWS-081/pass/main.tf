resource "aws_kms_key" "data" {
  description         = "data"
  enable_key_rotation = true
}
resource "aws_kms_key" "signing" {
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "ECC_NIST_P256"
}
