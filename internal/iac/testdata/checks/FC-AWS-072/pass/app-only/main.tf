# An application stack: no account baseline, so no trail is expected here.
provider "aws" {
  region = "eu-west-1"
}
resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
