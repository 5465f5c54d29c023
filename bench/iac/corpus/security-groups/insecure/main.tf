# Security groups of a three-tier VPC.

locals {
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  office_cidr = "10.99.0.0/24" # reached over the office VPN
}

resource "aws_security_group" "ssh" {
  name        = "bastion-ssh"
  description = "SSH to the bastion"
  vpc_id      = local.vpc_id

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "rdp" {
  name        = "windows-rdp"
  description = "RDP to the jump host"
  vpc_id      = local.vpc_id

  ingress {
    description      = "RDP"
    from_port        = 3389
    to_port          = 3389
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "postgres" {
  name        = "db"
  description = "PostgreSQL from the app tier"
  vpc_id      = local.vpc_id

  ingress {
    description = "PostgreSQL"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "range" {
  name        = "app-ports"
  description = "Application ports"
  vpc_id      = local.vpc_id

  ingress {
    description = "App range"
    from_port   = 8000
    to_port     = 9000
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "all" {
  name        = "debug"
  description = "Temporary debugging access"
  vpc_id      = local.vpc_id

  ingress {
    description = "Everything"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "all_tcp_v6" {
  name        = "legacy-v6"
  description = "Legacy IPv6 service"
  vpc_id      = local.vpc_id

  ingress {
    description      = "All TCP"
    from_port        = 0
    to_port          = 65535
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "egress" {
  name        = "worker-egress"
  description = "Worker outbound traffic"
  vpc_id      = local.vpc_id

  egress {
    description = "Outbound"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  description       = "SSH to workers"
  security_group_id = "sg-0a1b2c3d4e5f60718"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "egress_v6" {
  type              = "egress"
  description       = "IPv6 outbound"
  security_group_id = "sg-0a1b2c3d4e5f60718"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}

resource "aws_vpc_security_group_ingress_rule" "mysql" {
  security_group_id = "sg-0a1b2c3d4e5f60718"
  description       = "MySQL"
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = "sg-0a1b2c3d4e5f60718"
  description       = "Outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_network_acl_rule" "ssh" {
  network_acl_id = "acl-0a1b2c3d4e5f60718"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 22
  to_port        = 22
}

resource "aws_network_acl_rule" "all" {
  network_acl_id = "acl-0a1b2c3d4e5f60718"
  rule_number    = 200
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_security_group" "redis" {
  name        = "cache"
  description = "Redis"
  vpc_id      = local.vpc_id

  ingress {
    description      = "Redis"
    from_port        = 6379
    to_port          = 6379
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}
