variable "name" {
  type = string
}

variable "enable_flow_log" {
  type    = bool
  default = false
}

resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = var.name
  }
}

resource "aws_flow_log" "this" {
  count        = var.enable_flow_log ? 1 : 0
  vpc_id       = aws_vpc.this.id
  traffic_type = "ALL"
}
