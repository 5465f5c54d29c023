package iac

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// addSeeds adds every file under dir whose name ends in suffix.
func addSeeds(f *testing.F, dir, suffix string) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, suffix) {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// FuzzModule loads and checks arbitrary HCL as a root module that calls a
// local module, which calls it back: no input may panic or hang the scan.
func FuzzModule(f *testing.F) {
	addSeeds(f, "testdata", ".tf")
	f.Add([]byte(`locals { x = [for i in range(1000) : { n = i }] }
resource "aws_security_group" "g" {
  count = 1000
  dynamic "ingress" {
    for_each = local.x
    content { from_port = ingress.value.n }
  }
}`))
	f.Add([]byte(`module "self" { source = "./" }
module "child" {
  source   = "./child"
  for_each = toset(["a", "b"])
  v        = each.key
}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{
			"main.tf":       {Data: src},
			"child/main.tf": {Data: []byte("variable \"v\" {}\nmodule \"up\" { source = \"../\" }\nresource \"aws_ebs_volume\" \"v\" { encrypted = var.v }\n")},
		}
		// LoadModule, not Scan: the cycle makes "." a called module,
		// which Scan would rightly leave to its caller.
		m, _ := LoadModule(t.Context(), fsys, ".")
		newCatalogue().run(m)
		jsonFS := fstest.MapFS{"main.tf.json": {Data: src}}
		NewScanner(Options{}).Scan(t.Context(), jsonFS, []string{"main.tf.json"})
	})
}

// FuzzPlan reads arbitrary bytes as a Terraform plan JSON file.
func FuzzPlan(f *testing.F) {
	addSeeds(f, "testdata", ".json")
	f.Add([]byte(`{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":1}}]}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"x.tfplan.json": {Data: src}}
		NewScanner(Options{}).Scan(t.Context(), fsys, []string{"x.tfplan.json"})
	})
}

// FuzzTemplate reads arbitrary bytes as a CloudFormation template.
func FuzzTemplate(f *testing.F) {
	addSeeds(f, filepath.Join("testdata", "golden", "cfn"), "")
	f.Add([]byte("AWSTemplateFormatVersion: x\nResources:\n  A: &a\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref A}\n  B: *a\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"t.yaml": {Data: src}}
		NewScanner(Options{}).Scan(t.Context(), fsys, []string{"t.yaml"})
	})
}
