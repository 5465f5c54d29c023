# Public edge of the shop.

locals {
  cert = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000001"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/0123456789abcdef"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = local.cert
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/0123456789abcdef"
  }
}

resource "aws_alb_listener" "admin" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/admin/0123456789abcdef"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = local.cert
  ssl_policy        = "ELBSecurityPolicy-TLS-1-0-2015-04"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/admin/0123456789abcdef"
  }
}

resource "aws_lb_listener" "mqtt" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/iot/0123456789abcdef"
  port              = 8883
  protocol          = "TLS"
  certificate_arn   = local.cert
  ssl_policy        = "ELBSecurityPolicy-TLS-1-1-2017-01"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/iot/0123456789abcdef"
  }
}

resource "aws_lb" "internet_facing" {
  name                       = "shop"
  load_balancer_type         = "application"
  subnets                    = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  security_groups            = ["sg-0a1b2c3d4e5f60718"]
  enable_deletion_protection = true
  internal                   = false
  drop_invalid_header_fields = true

  access_logs {
    bucket  = "acme-lb-logs"
    prefix  = "shop"
    enabled = true
  }
}

resource "aws_lb" "no_drop_headers" {
  name                       = "shop"
  load_balancer_type         = "application"
  subnets                    = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  security_groups            = ["sg-0a1b2c3d4e5f60718"]
  enable_deletion_protection = true
  internal                   = true
  drop_invalid_header_fields = false

  access_logs {
    bucket  = "acme-lb-logs"
    prefix  = "shop"
    enabled = true
  }
}

resource "aws_lb" "no_access_logs" {
  name                       = "shop"
  load_balancer_type         = "application"
  subnets                    = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  security_groups            = ["sg-0a1b2c3d4e5f60718"]
  enable_deletion_protection = true
  internal                   = true
  drop_invalid_header_fields = true

}

resource "aws_lb" "access_logs_off" {
  name                       = "shop"
  load_balancer_type         = "application"
  subnets                    = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  security_groups            = ["sg-0a1b2c3d4e5f60718"]
  enable_deletion_protection = true
  internal                   = true
  drop_invalid_header_fields = true

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = false
  }
}

resource "aws_elb" "legacy" {
  name            = "legacy-shop"
  subnets         = ["subnet-0a1b2c3d4e5f60718"]
  security_groups = ["sg-0a1b2c3d4e5f60718"]
  internal        = true

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = true
  }

  listener {
    instance_port      = 8443
    instance_protocol  = "https"
    lb_port            = 80
    lb_protocol        = "http"
  }
}
