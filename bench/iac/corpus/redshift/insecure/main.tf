# The analytics warehouse, one copy per weakness.

resource "aws_redshift_cluster" "public" {
  cluster_identifier        = "warehouse"
  database_name             = "analytics"
  master_username           = "warehouse"
  manage_master_password    = true
  node_type                 = "ra3.xlplus"
  number_of_nodes           = 2
  cluster_subnet_group_name = "private-warehouse"
  publicly_accessible       = true
  encrypted                 = true
  kms_key_id                = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  logging {
    enable        = true
    log_destination_type = "cloudwatch"
    log_exports   = ["connectionlog", "userlog", "useractivitylog"]
  }
}

resource "aws_redshift_cluster" "unencrypted" {
  cluster_identifier        = "warehouse"
  database_name             = "analytics"
  master_username           = "warehouse"
  manage_master_password    = true
  node_type                 = "ra3.xlplus"
  number_of_nodes           = 2
  cluster_subnet_group_name = "private-warehouse"
  publicly_accessible       = false
  encrypted                 = false
  kms_key_id                = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  logging {
    enable        = true
    log_destination_type = "cloudwatch"
    log_exports   = ["connectionlog", "userlog", "useractivitylog"]
  }
}

resource "aws_redshift_cluster" "no_cmk" {
  cluster_identifier        = "warehouse"
  database_name             = "analytics"
  master_username           = "warehouse"
  manage_master_password    = true
  node_type                 = "ra3.xlplus"
  number_of_nodes           = 2
  cluster_subnet_group_name = "private-warehouse"
  publicly_accessible       = false
  encrypted                 = true

  logging {
    enable        = true
    log_destination_type = "cloudwatch"
    log_exports   = ["connectionlog", "userlog", "useractivitylog"]
  }
}

resource "aws_redshift_cluster" "no_logging" {
  cluster_identifier        = "warehouse"
  database_name             = "analytics"
  master_username           = "warehouse"
  manage_master_password    = true
  node_type                 = "ra3.xlplus"
  number_of_nodes           = 2
  cluster_subnet_group_name = "private-warehouse"
  publicly_accessible       = false
  encrypted                 = true
  kms_key_id                = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  logging {
    enable = false
  }
}

resource "aws_redshift_security_group" "legacy" {
  name        = "legacy-warehouse"
  description = "Legacy warehouse access"
  ingress {
    cidr = "0.0.0.0/0"
  }
}
