resource "aws_efs_file_system" "shared" {
  encrypted = true
}
