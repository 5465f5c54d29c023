resource "aws_launch_template" "web" {
  name = "web"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = "true"
    }
  }
  metadata_options {
    http_tokens = "required"
  }
}
