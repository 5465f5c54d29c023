provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAXH6EFPOZCI5XZEEP"
  secret_key = "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"
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "orders"
  password       = "?X7=Z@N57o2i@K7EgSsO"
}
