# The orders database, one copy per weakness.

resource "aws_db_instance" "public" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = true
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 14
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "unencrypted" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = false
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 14
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "no_backups" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 0
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "short_backups" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 1
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "no_iam_auth" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 14
  iam_database_authentication_enabled = false
  deletion_protection                 = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "no_deletion_protection" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 14
  iam_database_authentication_enabled = true
  deletion_protection                 = false
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
}

resource "aws_db_instance" "pi_unencrypted" {
  identifier                          = "orders"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  multi_az                            = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  copy_tags_to_snapshot               = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 14
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  performance_insights_enabled        = true
}
resource "aws_rds_cluster" "cluster_unencrypted" {
  cluster_identifier                  = "inventory"
  engine                              = "aurora-postgresql"
  engine_version                      = "16.2"
  master_username                     = "inventory"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  storage_encrypted                   = false
  backup_retention_period             = 14
}

resource "aws_rds_cluster" "cluster_short_backups" {
  cluster_identifier                  = "inventory"
  engine                              = "aurora-postgresql"
  engine_version                      = "16.2"
  master_username                     = "inventory"
  manage_master_user_password         = true
  db_subnet_group_name                = "private-db"
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  storage_encrypted                   = true
  backup_retention_period             = 1
}

resource "aws_rds_cluster_instance" "public" {
  identifier                      = "inventory-1"
  cluster_identifier              = "inventory"
  instance_class                  = "db.r6g.large"
  engine                          = "aurora-postgresql"
  performance_insights_enabled    = true
  performance_insights_kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  publicly_accessible             = true
}
