# Task definitions of the node agent, one per weakness.

resource "aws_ecs_task_definition" "privileged" {
  family                   = "agent"
  requires_compatibilities = ["EC2"]
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name      = "agent"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agent:3.1.0"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    memory    = 256
    privileged             = false
    readonlyRootFilesystem = true
    user                   = "1000"
  }])
}

resource "aws_ecs_task_definition" "writable_rootfs" {
  family                   = "agent"
  requires_compatibilities = ["EC2"]
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name      = "agent"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agent:3.1.0"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    memory    = 256
    privileged             = false
    readonlyRootFilesystem = true
    user                   = "1000"
  }])
}

resource "aws_ecs_task_definition" "host_network" {
  family                   = "agent"
  requires_compatibilities = ["EC2"]
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name      = "agent"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agent:3.1.0"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    memory    = 256
    privileged             = false
    readonlyRootFilesystem = true
    user                   = "1000"
  }])
}

resource "aws_ecs_task_definition" "root_user" {
  family                   = "agent"
  requires_compatibilities = ["EC2"]
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name      = "agent"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agent:3.1.0"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    memory    = 256
    privileged             = false
    readonlyRootFilesystem = true
    user                   = "1000"
  }])
}

resource "aws_ecs_task_definition" "docker_sock" {
  family                   = "ci-agent"
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  execution_role_arn       = "arn:aws:iam::123456789012:role/ecs-exec"
  volume {
    name = "scratch"
  }
  container_definitions = jsonencode([{
    name                   = "ci-agent"
    image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ci-agent:5.0.2"
    essential              = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    memory                 = 512
    privileged             = false
    readonlyRootFilesystem = true
    user                   = "1000"
    mountPoints = [{
      sourceVolume  = "scratch"
      containerPath = "/scratch"
    }]
  }])
}

resource "aws_ecs_task_definition" "efs" {
  family                   = "media"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  volume {
    name = "media"
    efs_volume_configuration {
      file_system_id     = "fs-0a1b2c3d"
      transit_encryption = "ENABLED"
    }
  }
  container_definitions = jsonencode([{
    name                   = "media"
    image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/media:1.0.0"
    essential              = true
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = "/ecs/apps", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app" }
    }
    readonlyRootFilesystem = true
    user                   = "1000"
    mountPoints            = [{ sourceVolume = "media", containerPath = "/media" }]
  }])
}

resource "aws_ecs_cluster" "main" {
  name = "main"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
