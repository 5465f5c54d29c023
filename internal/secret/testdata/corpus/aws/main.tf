provider "aws" {
  region     = "us-east-1"
  access_key = "AKIATDAWD4UCZXMMEK7B"
  secret_key = "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"
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "orders"
  password       = "SevWD-GJ&bwWBM2CBUnu"
}
