resource "aws_security_group" "cluster" {
  name = "cluster"
}
resource "aws_security_group_rule" "kubelet" {
  type              = "ingress"
  security_group_id = aws_security_group.cluster.id
  from_port         = 10000
  to_port           = 10300
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
