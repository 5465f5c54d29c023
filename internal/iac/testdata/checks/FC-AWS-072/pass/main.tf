provider "aws" {
  region = "eu-west-1"
}
module "audit" {
  source = "./audit"
}
