# Application settings that carry credentials in plain text.

variable "db_password_ssm_arn" {
  type    = string
  default = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-password"
}

resource "aws_lambda_function" "billing" {
  function_name = "billing-export"
  role          = "arn:aws:iam::123456789012:role/billing-export"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = "billing.zip"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-west-1:123456789012:lambda-dlq"
  }

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      DB_HOST     = "billing.cluster-abc.eu-west-1.rds.amazonaws.com"
      DB_PASSWORD = "Sup3rS3cretBilling!"
    }
  }
}

resource "aws_lambda_function" "uploader" {
  function_name = "partner-uploader"
  role          = "arn:aws:iam::123456789012:role/partner-uploader"
  handler       = "index.handler"
  runtime       = "nodejs22.x"
  filename      = "uploader.zip"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-west-1:123456789012:lambda-dlq"
  }

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      BUCKET                = "acme-partner-drop"
      AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq9aQw3Lk2"
    }
  }
}

resource "aws_codebuild_project" "api" {
  name          = "api-build"
  service_role  = "arn:aws:iam::123456789012:role/codebuild-api"
  encryption_key = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"

  artifacts {
    type                = "S3"
    location            = "acme-build-artifacts"
    encryption_disabled = false
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"

    environment_variable {
      name  = "NPM_TOKEN"
      value = "npm_9fQ2xLr7TbW4kZs1VnC8pYe6HdM3jAu0GiOo"
      type  = "PLAINTEXT"
    }
  }

  source {
    type     = "CODECOMMIT"
    location = "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api"
  }

  logs_config {
    cloudwatch_logs {
      group_name = "/codebuild/api"
    }
  }
}

resource "aws_elastic_beanstalk_environment" "web" {
  name                = "web-prod"
  application         = "web"
  solution_stack_name = "64bit Amazon Linux 2023 v4.3.0 running Python 3.11"

  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "DATABASE_URL"
    value     = "postgres://web:Pa55w0rd-Prod@web-db.internal:5432/web"
  }

  setting {
    namespace = "aws:elasticbeanstalk:managedactions"
    name      = "ManagedActionsEnabled"
    value     = "true"
  }

  setting {
    namespace = "aws:elasticbeanstalk:healthreporting:system"
    name      = "SystemType"
    value     = "enhanced"
  }
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  container_definitions = jsonencode([{
    name                   = "worker"
    image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:1.4.2"
    essential              = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    readonlyRootFilesystem = true
    environment = [
      { name = "QUEUE", value = "jobs" },
      { name = "STRIPE_SECRET_KEY", value = "sk_live_51HxQ2mLkP0aBcDeFgHiJkLmNoPqRsTuVwXyZ" },
    ]
  }])
}

resource "aws_instance" "bastion" {
  ami                  = "ami-0a1b2c3d4e5f60718"
  instance_type        = "t3.micro"
  subnet_id            = "subnet-0a1b2c3d4e5f60718"
  iam_instance_profile = "bastion"
  monitoring           = true
  ebs_optimized        = true

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  root_block_device {
    encrypted = true
  }

  user_data = <<-EOT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAQ7XK3M2PLRWZ5NBT
    export AWS_SECRET_ACCESS_KEY=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
    yum install -y awscli
  EOT
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0a1b2c3d4e5f60718"
  instance_type = "t3.small"

  monitoring {
    enabled = true
  }

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = true
    }
  }

  user_data = base64encode("#!/bin/sh\necho 'export PGPASSWORD=AppDbPassw0rd2024' >> /etc/profile\n")
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db-password"
  type  = "String"
  value = "Winter2024!db"
}

resource "aws_db_instance" "ledger" {
  identifier                          = "ledger"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 20
  username                            = "ledger"
  password                            = "L3dger-Master-Pw"
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  backup_retention_period             = 7
  iam_database_authentication_enabled = true
  deletion_protection                 = true
  publicly_accessible                 = false
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/1d2c3b4a-0000-4000-8000-000000000001"
  multi_az                            = true
  copy_tags_to_snapshot               = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name                   = "reports"
    image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:2.0.1"
    essential              = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    readonlyRootFilesystem = true
    environment = [
      { name = "DB_PASSWORD", value = "reports-db-pw-2024" },
    ]
  }])
}
