resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_flow_log" "other" {
  vpc_id       = aws_vpc.other.id
  traffic_type = "ALL"
}
