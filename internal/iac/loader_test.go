package iac

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenFinding is the part of a finding a golden file pins.
type goldenFinding struct {
	CheckID  string `json:"check_id"`
	Severity string `json:"severity"`
	Location string `json:"location"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
}

func golden(t *testing.T, name string, fs []finding.Finding, sk []finding.Skipped) {
	t.Helper()
	out := struct {
		Findings []goldenFinding   `json:"findings"`
		Skipped  []finding.Skipped `json:"skipped,omitempty"`
	}{Skipped: sk}
	for _, f := range fs {
		out.Findings = append(out.Findings, goldenFinding{f.CheckID, f.Severity.String(), f.Location.String(), f.Resource.String(), f.Message})
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGoldenModule(t *testing.T) {
	fsys := os.DirFS(filepath.Join("testdata", "golden", "platform"))
	files, err := listDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	fs, sk := NewScanner(Options{}).Scan(t.Context(), fsys, files)
	finding.Sort(fs)
	golden(t, "platform", fs, sk)
}

func TestGoldenPlan(t *testing.T) {
	fsys := os.DirFS(filepath.Join("testdata", "golden", "plan"))
	fs, sk := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"insecure.tfplan.json"})
	finding.Sort(fs)
	for _, f := range fs {
		if f.Location.Object == "" || f.Location.Path != "insecure.tfplan.json" {
			t.Errorf("plan finding must name the plan file and the resource address: %+v", f.Location)
		}
	}
	golden(t, "plan", fs, sk)
}

func TestLoadModuleModel(t *testing.T) {
	m, sk := LoadModule(context.Background(), os.DirFS(filepath.Join("testdata", "golden", "platform")), ".")
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	type bucket struct {
		Address, Name        string
		Encrypted, Versioned bool
		Line                 int
	}
	var got []bucket
	for _, b := range m.AWS.S3Buckets {
		got = append(got, bucket{b.Address, b.Name.Val, b.Encryption.Val, b.Versioning.Val, b.Range.StartLine})
	}
	want := []bucket{
		{`aws_s3_bucket.this["backups"]`, "acme-prod-backups", false, true, 15},
		{`aws_s3_bucket.this["logs"]`, "acme-prod-logs", true, true, 15},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	var calls []string
	for _, c := range m.Calls {
		calls = append(calls, fmt.Sprintf("%s %s local=%v dir=%s", c.Address, c.Source, c.Local, c.Dir))
	}
	wantCalls := []string{
		"module.cluster ./modules/cluster local=true dir=modules/cluster",
		"module.vpc terraform-aws-modules/vpc/aws local=false dir=.terraform/modules/vpc",
	}
	if diff := cmp.Diff(wantCalls, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n := len(m.AWS.Instances); n != 2 {
		t.Errorf("count = local.bastions (2 in prod) gave %d instances", n)
	}
	if len(m.AWS.EKSClusters) != 1 || m.AWS.EKSClusters[0].Range.Path != "modules/cluster/main.tf" || m.AWS.EKSClusters[0].Address != "module.cluster.aws_eks_cluster.this" {
		t.Errorf("module resource not loaded with its own file and address: %+v", m.AWS.EKSClusters)
	}
	if v := m.AWS.EBSVolumes[0].Encrypted; v.Known {
		t.Errorf("variable without default or tfvars must be unknown, got %+v", v)
	}
}

// mapFS builds a one-directory module from file bodies.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func scanFiles(t *testing.T, fsys fstest.MapFS) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	return scanTree(t, fsys)
}

func TestUnknownValuesDoNotFire(t *testing.T) {
	tests := []struct {
		name, check, src string
	}{
		{"bucket of encryption resource unknown", "FC-AWS-001", `
variable "bucket" {}
resource "aws_s3_bucket" "b" { bucket = "x" }
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = var.bucket
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}`},
		{"versioning status unknown", "FC-AWS-002", `
variable "status" {}
resource "aws_s3_bucket" "b" { bucket = "x" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = var.status }
}`},
		{"cidr blocks unknown", "FC-AWS-011", `
variable "cidrs" { type = list(string) }
resource "aws_security_group" "g" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.cidrs
  }
}`},
		{"port unknown", "FC-AWS-011", `
variable "port" {}
resource "aws_security_group" "g" {
  ingress {
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`},
		{"for_each value unknown", "FC-AWS-020", `
variable "volumes" {}
resource "aws_ebs_volume" "v" {
  for_each          = var.volumes
  availability_zone = "eu-west-1a"
  encrypted         = each.value.encrypted
}`},
		{"function not evaluated offline", "FC-AWS-020", `
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  encrypted         = file("flag") == "yes"
}`},
		{"tokens from a data source", "FC-AWS-050", `
data "aws_ssm_parameter" "tokens" { name = "tokens" }
resource "aws_instance" "i" {
  ami = "ami-1"
  metadata_options { http_tokens = data.aws_ssm_parameter.tokens.value }
}`},
		{"policy actions unknown", "FC-AWS-060", `
variable "actions" {}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}`},
		{"policy rendered from a data source", "FC-AWS-060", `
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }`},
		{"public access from a module output", "FC-AWS-031", `
module "flags" { source = "git::https://example.com/flags.git" }
resource "aws_db_instance" "d" {
  engine              = "postgres"
  publicly_accessible = module.flags.public
}`},
		{"EKS CIDRs unknown", "FC-AWS-040", `
variable "cidrs" {}
resource "aws_eks_cluster" "c" {
  vpc_config { public_access_cidrs = var.cidrs }
}`},
		{"flow log VPC unknown", "FC-AWS-080", `
variable "vpc" {}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_flow_log" "f" { vpc_id = var.vpc }`},
		{"NSG source unknown", "FC-AZ-004", `
variable "src" {}
resource "azurerm_network_security_rule" "r" {
  direction              = "Inbound"
  access                 = "Allow"
  protocol               = "Tcp"
  destination_port_range = "22"
  source_address_prefix  = var.src
}`},
		{"firewall ports unknown", "FC-GCP-003", `
variable "ports" {}
resource "google_compute_firewall" "f" {
  allow {
    protocol = "tcp"
    ports    = var.ports
  }
}`},
		{"public blob default not known across provider versions", "FC-AZ-003", `
resource "azurerm_storage_account" "a" { name = "a" }`},
		{"count zero disables the resource", "FC-AWS-082", `
variable "create" { default = false }
resource "aws_efs_file_system" "f" { count = var.create ? 1 : 0 }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, sk := scanFiles(t, mapFS(map[string]string{"main.tf": tt.src}))
			if len(sk) > 0 {
				t.Fatalf("skipped: %v", sk)
			}
			for _, f := range fs {
				if f.CheckID == tt.check {
					t.Errorf("%s fired on a value it cannot know: %s", tt.check, f.Message)
				}
			}
		})
	}
}

func TestKnownValuesFire(t *testing.T) {
	tests := []struct {
		name, check, line, src string
	}{
		{"unknown count keeps one instance", "FC-AWS-020", "main.tf:4", `
variable "n" {}
resource "aws_ebs_volume" "v" {
  count     = var.n
  encrypted = false
}`},
		{"value through locals and a template", "FC-AWS-050", "main.tf:6", `
locals {
  mode = "opt"
}
resource "aws_launch_template" "t" {
  metadata_options {
    http_tokens = "${local.mode}ional"
  }
}`},
		{"identity through a local", "FC-AWS-002", "main.tf:10", `
locals { id = aws_s3_bucket.a.id }
resource "aws_s3_bucket" "a" { bucket = "a" }
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_versioning" "w" {
  bucket = local.id
  versioning_configuration { status = "Suspended" }
}`},
		{"JSON syntax", "FC-AWS-082", "main.tf.json:1", `{"resource": {"aws_efs_file_system": {"f": {"encrypted": false}}}}`},
		{"auto tfvars override defaults", "FC-AWS-031", "main.tf:3", `
variable "public" { default = false }
resource "aws_db_instance" "d" {
  publicly_accessible = var.public
}
-- prod.auto.tfvars --
public = true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			name := "main.tf"
			if strings.HasPrefix(tt.src, "{") {
				name = "main.tf.json"
			}
			body, extra, _ := strings.Cut(tt.src, "-- prod.auto.tfvars --\n")
			files[name] = strings.TrimPrefix(body, "\n")
			if extra != "" {
				files["prod.auto.tfvars"] = extra
			}
			fs, sk := scanFiles(t, mapFS(files))
			if len(sk) > 0 {
				t.Fatalf("skipped: %v", sk)
			}
			var locs []string
			for _, f := range fs {
				if f.CheckID == tt.check {
					locs = append(locs, f.Location.String())
				}
			}
			if diff := cmp.Diff([]string{tt.line}, locs); diff != "" {
				t.Errorf("%s locations (-want +got):\n%s", tt.check, diff)
			}
		})
	}
}

func TestMalformedInput(t *testing.T) {
	fsys := fstest.MapFS{
		"m/good.tf":          {Data: []byte("resource \"aws_efs_file_system\" \"f\" {\n}\n")},
		"m/bad.tf":           {Data: []byte("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl = = \"public-read\"\n}\n")},
		"m/bad.tf.json":      {Data: []byte(`{"resource": [`)},
		"m/blob.tf":          {Data: []byte("\x00\x01\x02resource")},
		"n/plan.json":        {Data: []byte(`{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {`)},
		"n/future.json":      {Data: []byte(`{"format_version": "9.0", "terraform_version": "9.0.0"}`)},
		"n/package.json":     {Data: []byte(`{"name": "web", "version": "1.0.0"}`)},
		"n/empty.tf":         {Data: nil},
		"n/bad.yaml":         {Data: []byte("AWSTemplateFormatVersion: \"2010-09-09\"\nResources: [\n")},
		"n/deploy.yaml":      {Data: []byte("apiVersion: apps/v1\nkind: Deployment\n")},
		"n/vars.auto.tfvars": {Data: []byte("x = \n")},
	}
	fs, sk := scanTree(t, fsys)
	var reasons []string
	for _, s := range sk {
		if strings.Contains(s.Reason, "\n") || s.Scanner != "iac" {
			t.Errorf("skipped entry must be one line from the iac scanner: %+v", s)
		}
		reasons = append(reasons, s.Path)
	}
	want := []string{"m/bad.tf", "m/bad.tf.json", "m/blob.tf", "n/bad.yaml", "n/future.json", "n/plan.json", "n/vars.auto.tfvars"}
	slices.Sort(reasons)
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("skipped paths (-want +got):\n%s", diff)
	}
	for _, s := range sk {
		if s.Path == "m/bad.tf" && !strings.Contains(s.Reason, "line 3") {
			t.Errorf("reason must name the diagnostic's line: %q", s.Reason)
		}
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.CheckID+" "+f.Location.String())
	}
	if diff := cmp.Diff([]string{"FC-AWS-082 m/good.tf:1"}, ids); diff != "" {
		t.Errorf("the module's good file must still scan (-want +got):\n%s", diff)
	}
}

func TestWantsAndUnit(t *testing.T) {
	s := NewScanner(Options{})
	tests := []struct {
		path  string
		wants bool
		unit  string
	}{
		{"infra/main.tf", true, "infra"},
		{"infra/main.tf.json", true, "infra"},
		{"infra/terraform.tfvars", true, "infra"},
		{"infra/prod.auto.tfvars.json", true, "infra"},
		{"infra/prod.tfvars", false, ""},
		{"plans/prod.tfplan.json", true, "plans/prod.tfplan.json"},
		{"azure/azuredeploy.json", true, "azure/azuredeploy.json"},
		{"azure/main.bicep", false, ""},
		{"README.md", false, ""},
		{"main.go", false, ""},
	}
	for _, tt := range tests {
		if got := s.Wants(tt.path); got != tt.wants {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.wants)
		}
		if tt.wants {
			if got := s.Unit(tt.path); got != tt.unit {
				t.Errorf("Unit(%q) = %q, want %q", tt.path, got, tt.unit)
			}
		}
	}
}

func TestCalledModulesScanThroughCallers(t *testing.T) {
	fsys := mapFS(map[string]string{
		"main.tf":               "module \"store\" {\n  source = \"./modules/store\"\n  encrypted = false\n}\n",
		"envs/prod/main.tf":     "module \"store\" {\n  source = \"../../modules/store\"\n  encrypted = true\n}\n",
		"modules/store/main.tf": "variable \"encrypted\" {}\nresource \"aws_efs_file_system\" \"f\" {\n  encrypted = var.encrypted\n}\nresource \"aws_kms_key\" \"k\" {}\n",
		"lone/main.tf":          "resource \"aws_efs_file_system\" \"g\" {}\n",
	})
	fs, sk := scanTree(t, fsys)
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.CheckID+" "+f.Location.String()+" "+f.Resource.Name+strings.TrimPrefix(f.Message, strings.TrimSuffix(f.Message, " (module called from envs/prod)")))
	}
	slices.Sort(got)
	want := []string{
		// once per caller, never for the module dir on its own
		"FC-AWS-081 modules/store/main.tf:5 module.store.aws_kms_key.k",
		"FC-AWS-081 modules/store/main.tf:5 module.store.aws_kms_key.k (module called from envs/prod)",
		"FC-AWS-082 lone/main.tf:1 aws_efs_file_system.g",
		"FC-AWS-082 modules/store/main.tf:3 module.store.aws_efs_file_system.f",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestGoldenCloudFormation(t *testing.T) {
	fsys := os.DirFS(filepath.Join("testdata", "golden", "cfn"))
	fs, sk := scanTree(t, fsys)
	golden(t, "cfn", fs, sk)
}

func TestIdentityAcrossModules(t *testing.T) {
	fsys := mapFS(map[string]string{
		"main.tf": `
module "store" {
  source = "./store"
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = module.store.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = module.store.sg
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}`,
		"store/main.tf": `
resource "aws_s3_bucket" "b" {
  bucket_prefix = "data-"
}
resource "aws_s3_bucket" "other" {
  bucket_prefix = "other-"
}
resource "aws_security_group" "db" {}
output "id" {
  value = aws_s3_bucket.b.id
}
output "sg" {
  value = aws_security_group.db.id
}`,
	})
	m, sk := LoadModule(context.Background(), fsys, ".")
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	got := map[string]bool{}
	for _, b := range m.AWS.S3Buckets {
		got[b.Address] = b.Versioning.Is(true)
	}
	want := map[string]bool{"module.store.aws_s3_bucket.b": true, "module.store.aws_s3_bucket.other": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("versioning by bucket (-want +got):\n%s", diff)
	}
	if len(m.AWS.SecurityGroupRules) != 1 || m.AWS.SecurityGroupRules[0].Group != "module.store.aws_security_group.db" {
		t.Errorf("rule not attached to the module's group: %+v", m.AWS.SecurityGroupRules)
	}
}
