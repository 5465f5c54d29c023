variable "env" {
  type    = string
  default = "dev"
}

variable "allowed_ssh_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "db_public" {
  type    = bool
  default = false
}

# No default and no tfvars: unknown, so nothing may fire on it.
variable "volume_encrypted" {
  type = bool
}
