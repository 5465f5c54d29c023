package iac

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"iam:PassRole", "iam:passrole", true},
		{"IAM:Pass*", "iam:PassRole", true},
		{"iam:?assRole", "iam:PassRole", true},
		{"iam:?assRole", "iam:PPassRole", false},
		{"*", "ec2:RunInstances", true},
		{"iam:*Policy", "iam:PutUserPolicy", true},
		{"iam:*Policy", "iam:PutUserPolicyX", false},
		{"iam:Put*Policy*", "iam:PutRolePolicy", true},
		{"iam:", "iam:PassRole", false},
		{"", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		pattern string
		tg      *target
		want    bool
	}{
		{"*", nil, true},
		{"arn:aws:iam::*:role/*", nil, false},
		{"arn:aws:iam::*:role/*", onRole, true},
		{"arn:aws:iam::123456789012:role/*", onRole, true},
		{"arn:aws:iam::123456789012:*", onRole, true},
		{"arn:aws:iam::123456789012:role/app-*", onRole, false},
		{"arn:aws:iam::123456789012:role/app", onRole, false},
		{"arn:aws:iam::123456789012:user/*", onRole, false},
		{"arn:aws:s3:::*", onRole, false},
		{"arn:aws:*:*:*:*", onRole, true},
		{"arn:aws:iam::*:user/${aws:username}", onUser, false},
		{"arn:aws:iam::*:user/${aws:username}", onSelf, true},
		{"arn:aws:lambda:*:*:function:*", onFunction, true},
		{"arn:aws:ec2:*:*:instance/*", onInstance, true},
		{"role/*", onRole, false},
	}
	for _, tt := range tests {
		if got := covers(tt.pattern, tt.tg); got != tt.want {
			t.Errorf("covers(%q, %v) = %v, want %v", tt.pattern, tt.tg, got, tt.want)
		}
	}
}

// privescIDs scans files and returns the IDs of the FC-AWS-060 and
// FC-AWS-5xx findings, sorted, with their lines.
func privescIDs(t *testing.T, files map[string]string) []string {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	fs, skipped := scanTree(t, fsys)
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	var ids []string
	for _, f := range fs {
		if strings.HasPrefix(f.CheckID, "FC-AWS-5") || f.CheckID == "FC-AWS-060" {
			ids = append(ids, f.CheckID)
		}
	}
	slices.Sort(ids)
	return ids
}

func jsonPolicy(statements string) string {
	return `resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [` + statements + `]
  })
}
`
}

func TestPrivescSemantics(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"action case and ?", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = ["IAM:?reateaccesskey"], Resource = "*" }`)},
			[]string{"FC-AWS-508"}},
		{"action star is FC-AWS-060's", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "*", Resource = "*" }`)},
			[]string{"FC-AWS-060"}},
		{"star colon star", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "*:*", Resource = "*" }`)},
			[]string{"FC-AWS-060"}},
		{"iam star reported once", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = ["iam:*", "lambda:*", "ec2:*"], Resource = "*" }`)},
			[]string{"FC-AWS-500"}},
		{"iam star besides a specific statement", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:*", Resource = "*" },
			{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" }`)},
			[]string{"FC-AWS-500", "FC-AWS-508"}},
		{"unknown action", map[string]string{"main.tf": `variable "action" {}
` + jsonPolicy(`{ Effect = "Allow", Action = [var.action], Resource = "*" }`)}, nil},
		{"unknown resource", map[string]string{"main.tf": `variable "arn" {}
` + jsonPolicy(`{ Effect = "Allow", Action = ["iam:CreateAccessKey"], Resource = var.arn }`)}, nil},
		{"unknown not_action", map[string]string{"main.tf": `variable "action" {}
` + jsonPolicy(`{ Effect = "Allow", NotAction = [var.action], Resource = "*" }`)}, nil},
		{"known variable", map[string]string{"main.tf": `variable "action" { default = "iam:CreateAccessKey" }
` + jsonPolicy(`{ Effect = "Allow", Action = [var.action], Resource = "*" }`)}, []string{"FC-AWS-508"}},
		{"not_action without iam", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", NotAction = ["iam:*", "sts:*"], Resource = "*" }`)},
			[]string{"FC-AWS-519", "FC-AWS-520", "FC-AWS-521", "FC-AWS-522"}},
		{"not_resource", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", NotResource = "arn:aws:iam::*:user/admin" }`)},
			[]string{"FC-AWS-508"}},
		{"deny removes", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", Action = "iam:*", Resource = "*" }`)}, nil},
		{"deny not_action keeps", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", NotAction = "iam:Create*", Resource = "*" }`)}, []string{"FC-AWS-508"}},
		{"deny on users removes", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", Action = "iam:CreateAccessKey", Resource = "arn:aws:iam::*:user/*" }`)}, nil},
		{"conditional deny keeps", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", Action = "iam:*", Resource = "*", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } } }`)},
			[]string{"FC-AWS-508"}},
		{"scoped deny keeps", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", Action = "iam:*", Resource = "arn:aws:iam::*:user/admin" }`)}, []string{"FC-AWS-508"}},
		{"unknown deny removes", map[string]string{"main.tf": `variable "denied" {}
` + jsonPolicy(`{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" },
			{ Effect = "Deny", Action = var.denied, Resource = "*" }`)}, nil},
		{"condition on allow keeps", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "*",
			Condition = { StringEquals = { "iam:PassedToService" = "ec2.amazonaws.com" } } }`)}, []string{"FC-AWS-503"}},
		{"user and group policies", map[string]string{"main.tf": `resource "aws_iam_user_policy" "u" {
  user   = "bob"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:AddUserToGroup", Resource = "*" }] })
}
resource "aws_iam_group_policy" "g" {
  group  = "ops"
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"iam:UpdateLoginProfile\", \"Resource\": \"*\"}}"
}
`}, []string{"FC-AWS-510", "FC-AWS-517"}},
		{"role inline_policy", map[string]string{"main.tf": `resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  inline_policy {
    name   = "self"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:PutRolePolicy", "iam:AttachRolePolicy"], Resource = "*" }] })
  }
}
`}, []string{"FC-AWS-513", "FC-AWS-516"}},
		{"heredoc with interpolation", map[string]string{"main.tf": `variable "account" { default = "123456789012" }
resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "iam:CreateLoginProfile", "Resource": "arn:aws:iam::${var.account}:user/*"}]}
EOF
}
`}, []string{"FC-AWS-509"}},
		{"plan", map[string]string{"main.tfplan.json": `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
     "values": {"policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",\"glue:CreateDevEndpoint\"],\"Resource\":\"*\"}]}"}},
    {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
     "values": {"inline_policy": [{"name": "x", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:AttachRolePolicy\",\"Resource\":\"*\"}]}"}]}}
  ]}}
}`}, []string{"FC-AWS-506", "FC-AWS-513"}},
		{"trust policy", map[string]string{"main.tf": `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole", "iam:UpdateAssumeRolePolicy"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
`}, nil},
		{"public principal in JSON", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Principal = "*", Action = "iam:PassRole", Resource = "*" }`)},
			[]string{"FC-AWS-524"}},
		{"public principal with condition", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Principal = { AWS = "*" }, Action = "iam:PassRole", Resource = "*",
			Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-123" } } }`)}, nil},
		{"named account principal", map[string]string{"main.tf": jsonPolicy(`{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "iam:PassRole", Resource = "*" }`)}, nil},
		{"cloudformation", map[string]string{"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            NotAction: ["s3:*"]
            Resource: "*"
          - Effect: Deny
            Action: "iam:*"
            Resource: "*"
            Condition: {Bool: {"aws:MultiFactorAuthPresent": "false"}}
`}, []string{"FC-AWS-500"}},
		{"cloudformation public principal", map[string]string{"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: ["*"]}
            Action: ssm:SendCommand
            Resource: "*"
`}, []string{"FC-AWS-524"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, privescIDs(t, tt.files)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrivescStatementLines(t *testing.T) {
	src := `resource "aws_iam_role_policy" "heredoc" {
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}
  ]
}
EOF
}
resource "aws_iam_policy" "encoded" {
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "*"
      },
      { Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" },
    ]
  })
}
`
	fs, _ := scanTree(t, fstest.MapFS{"main.tf": {Data: []byte(src)}})
	var got []string
	for _, f := range fs {
		if strings.HasPrefix(f.CheckID, "FC-AWS-5") {
			got = append(got, f.CheckID+" "+f.Location.Path+":"+strconv.Itoa(f.Location.StartLine)+" "+f.Message)
		}
	}
	slices.Sort(got)
	want := []string{
		"FC-AWS-503 main.tf:17 statements 2 and 3 of aws_iam_policy.encoded allow iam:PassRole with ec2:RunInstances: a holder can start an instance with any passable role and read that role's credentials from it",
		"FC-AWS-508 main.tf:8 statement 2 of aws_iam_role_policy.heredoc allows iam:CreateAccessKey: a holder can create access keys for other users and act as them",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
