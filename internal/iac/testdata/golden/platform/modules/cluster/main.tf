variable "name" {
  type = string
}

variable "public_access" {
  type    = bool
  default = false
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids             = ["subnet-0a", "subnet-0b"]
    endpoint_public_access = var.public_access
  }
  enabled_cluster_log_types = ["api", "audit"]
}

resource "aws_security_group" "api" {
  name = "${var.name}-api"
}

resource "aws_security_group_rule" "api" {
  count             = var.public_access ? 1 : 0
  type              = "ingress"
  security_group_id = aws_security_group.api.id
  from_port         = 6443
  to_port           = 6443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

output "cluster_name" {
  value = aws_eks_cluster.this.name
}
