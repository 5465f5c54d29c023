# Policies for the build and operations teams of a small platform group.
# Every ARN is spelled out, so the only problem in each insecure policy is
# the combination of actions it grants.

locals {
  account = "123456789012"
}

resource "aws_iam_policy" "passrole_lambda" {
  name        = "release-bot-functions"
  description = "Lets the release bot ship functions"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Functions"
        Effect   = "Allow"
        Action   = ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]
        Resource = "arn:aws:lambda:eu-west-1:${local.account}:function:release-notes"
      },
    ]
  })
}

resource "aws_iam_policy" "passrole_ec2" {
  name = "batch-launcher"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ec2:RunInstances", "ec2:CreateTags"]
        Resource = "arn:aws:ec2:eu-west-1:${local.account}:launch-template/lt-0abc1234567890def"
      },
      {
        Effect   = "Allow"
        Action   = "iam:GetRole"
        Resource = "arn:aws:iam::${local.account}:role/ops-admin-instance"
      }
    ]
  })
}

resource "aws_iam_role_policy" "passrole_cfn" {
  name = "stack-deployer"
  role = aws_iam_role.ci_runner.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents"]
        Resource = "arn:aws:cloudformation:eu-west-1:${local.account}:stack/app-web/0f1e2d3c-aaaa-4bbb-8ccc-000000000001"
      },
    ]
  })
}

resource "aws_iam_policy" "passrole_glue" {
  name = "analytics-dev-endpoints"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["glue:GetDevEndpoint", "glue:GetDevEndpoints"]
        Resource = ["arn:aws:glue:eu-west-1:${local.account}:devEndpoint/analytics"]
      }
    ]
  })
}

resource "aws_iam_policy" "create_policy_version" {
  name = "policy-maintainers"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetPolicy", "iam:ListPolicyVersions", "iam:GetPolicyVersion"]
      Resource = "arn:aws:iam::${local.account}:policy/team-deploy"
    }]
  })
}

resource "aws_iam_policy" "set_default_version" {
  name = "policy-rollback"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetPolicyVersion"]
      Resource = "arn:aws:iam::${local.account}:policy/team-deploy"
    }]
  })
}

resource "aws_iam_group_policy" "attach_user_policy" {
  name = "self-service-access"
  group = aws_iam_group.jdoe_attach_user_policy.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:ListAttachedUserPolicies"]
      Resource = "arn:aws:iam::${local.account}:user/jdoe"
    }]
  })
}

resource "aws_iam_role_policy" "attach_role_policy" {
  name = "role-curator"
  role = aws_iam_role.platform_automation.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:ListAttachedRolePolicies"]
      Resource = "arn:aws:iam::${local.account}:role/platform-automation"
    }]
  })
}

resource "aws_iam_group_policy" "attach_group_policy" {
  name  = "group-curator"
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:ListAttachedGroupPolicies"
      Resource = "arn:aws:iam::${local.account}:group/developers"
    }]
  })
}

resource "aws_iam_policy" "put_user_policy" {
  name = "inline-user-policies"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetUserPolicy", "iam:ListUserPolicies"]
      Resource = "arn:aws:iam::${local.account}:user/contractors/eve"
    }]
  })
}

resource "aws_iam_role_policy" "put_role_policy" {
  name = "inline-role-policies"
  role = aws_iam_role.deploy_pipeline.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetRolePolicy"]
      Resource = "arn:aws:iam::${local.account}:role/deploy-web"
    }]
  })
}

resource "aws_iam_policy" "update_assume_role" {
  name = "trust-editor"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetRole"]
      Resource = "arn:aws:iam::${local.account}:role/break-glass"
    }]
  })
}

resource "aws_iam_group_policy" "create_access_key" {
  name = "key-rotation"
  group = aws_iam_group.svc_rotator_create_access_key.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:ListAccessKeys"]
      Resource = "arn:aws:iam::${local.account}:user/svc-rotator"
    }]
  })
}

resource "aws_iam_policy" "create_login_profile" {
  name = "console-onboarding"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:GetLoginProfile"
      Resource = "arn:aws:iam::${local.account}:user/ops/alice"
    }]
  })
}

resource "aws_iam_group_policy" "update_login_profile" {
  name  = "helpdesk-passwords"
  group = aws_iam_group.helpdesk.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetLoginProfile"]
      Resource = "arn:aws:iam::${local.account}:user/staff/carol"
    }]
  })
}

resource "aws_iam_policy" "add_user_to_group" {
  name = "group-membership"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetGroup"]
      Resource = "arn:aws:iam::${local.account}:group/administrators"
    }]
  })
}

resource "aws_iam_role_policy" "update_function_code" {
  name = "hotfix"
  role = aws_iam_role.support_engineer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["lambda:GetFunction"]
      Resource = "arn:aws:lambda:eu-west-1:${local.account}:function:account-janitor"
    }]
  })
}

resource "aws_iam_policy" "iam_star" {
  name = "user-admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:GetUser", "iam:ListUsers"]
      Resource = "arn:aws:iam::${local.account}:user/team/alice"
    }]
  })
}

data "aws_iam_policy_document" "ecs_runner" {
  statement {
    sid       = "RunTasks"
    actions   = ["ecs:RunTask", "ecs:DescribeTasks"]
    resources = ["arn:aws:ecs:eu-west-1:${local.account}:task-definition/jobs"]
  }
  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::${local.account}:role/jobs-task"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "ecs_runner" {
  name   = "job-runner"
  policy = data.aws_iam_policy_document.ecs_runner.json
}

# The principals the policies above are given to.
resource "aws_iam_role" "ci_runner" {
  name = "ci-runner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_user" "jdoe" {
  name = "jdoe"
}

resource "aws_iam_role" "platform_automation" {
  name = "platform-automation"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_role" "deploy_pipeline" {
  name = "deploy-pipeline"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_user" "svc_rotator" {
  name = "svc-rotator"
}

resource "aws_iam_group" "helpdesk" {
  name = "helpdesk"
}

resource "aws_iam_role" "support_engineer" {
  name = "support-engineer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Permissions reach users through groups.
resource "aws_iam_group" "jdoe_attach_user_policy" {
  name = "jdoe-attach-user-policy"
}

resource "aws_iam_user_group_membership" "jdoe_attach_user_policy" {
  user   = aws_iam_user.jdoe.name
  groups = [aws_iam_group.jdoe_attach_user_policy.name]
}

# Permissions reach users through groups.
resource "aws_iam_group" "svc_rotator_create_access_key" {
  name = "svc-rotator-create-access-key"
}

resource "aws_iam_user_group_membership" "svc_rotator_create_access_key" {
  user   = aws_iam_user.svc_rotator.name
  groups = [aws_iam_group.svc_rotator_create_access_key.name]
}
