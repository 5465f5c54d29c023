# Images and backups of the build fleet.

resource "aws_ebs_volume" "build_cache" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_ebs_snapshot" "build_cache" {
  volume_id = aws_ebs_volume.build_cache.id
}

resource "aws_ebs_snapshot_copy" "dr" {
  source_snapshot_id = "snap-0a1b2c3d4e5f60718"
  source_region      = "eu-west-1"
  encrypted          = true
  kms_key_id         = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_ami" "golden" {
  name                = "golden-2024-10"
  virtualization_type = "hvm"
  root_device_name    = "/dev/xvda"
  ena_support         = true
  imds_support        = "v2.0"

  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = "snap-0a1b2c3d4e5f60718"
    volume_size = 16
    encrypted   = true
  }
}

resource "aws_ami_copy" "golden_dr" {
  name              = "golden-dr"
  source_ami_id     = "ami-0a1b2c3d4e5f60718"
  source_ami_region = "eu-west-1"
  encrypted         = true
  kms_key_id        = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_ami_launch_permission" "public" {
  image_id = "ami-0a1b2c3d4e5f60718"
  account_id = "210987654321"
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1b"
  size              = 50
  encrypted         = true
  kms_key_id        = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_ebs_encryption_by_default" "account" {
  enabled = true
}

resource "aws_snapshot_create_volume_permission" "share" {
  snapshot_id = "snap-0a1b2c3d4e5f60718"
  account_id  = "123456789012"
}
