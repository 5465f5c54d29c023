package iac

import (
	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"

	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
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
		ctx := fuzzLimits(t)
		m, _ := LoadModule(ctx, fsys, ".")
		NewScanner(Options{}).evaluate(context.Background(), m)
		jsonFS := fstest.MapFS{"main.tf.json": {Data: src}}
		NewScanner(Options{}).Scan(ctx, jsonFS, []string{"main.tf.json"})
	})
}

// fuzzLimits are small budgets, so that every input is decided quickly.
func fuzzLimits(t *testing.T) context.Context {
	return limits.With(t.Context(), limits.Limits{
		PerInput:           time.Second,
		Depth:              50,
		CollectionElements: 10_000,
		EvalSteps:          100_000,
	})
}

// FuzzExpression evaluates an arbitrary expression, as a local that a
// resource, a for_each, a dynamic block and a module input use, within
// small budgets: it must return in bounded time whatever it computes, and
// any budget it exceeds must be the reason the module is skipped.
func FuzzExpression(f *testing.F) {
	for _, tc := range hostileModules() {
		if len(tc.src) < 4096 {
			f.Add(tc.src)
		}
	}
	for _, e := range []string{
		`[for a in range(64) : [for b in range(64) : [for c in range(64) : c]]]`,
		`join(",", [for i in range(100) : format("%05d", i)])`,
		`{for k, v in zipmap(["a", "b"], [1, 2]) : k => v...}`,
		`try(jsondecode("[[[[1]]]]"), can(local.x), "x")`,
		`flatten([for p in range(10) : [for q in range(10) : { p = p, q = q }]])`,
		`"%{ for x in range(10) }${x}%{ if x > 5 }!%{ endif }%{ endfor }"`,
		`replace(indent(4, "a
b"), "/\s+/", "-")`,
		`local.x == null ? [] : setunion(toset(["a"]), ["b"])`,
		`formatlist("%s-%s", ["a", "b"], "c")`,
		`regexall("(a)(b)?", "ababab")`,
	} {
		f.Add("locals {\n  x = " + e + "\n}\n")
	}
	f.Fuzz(func(t *testing.T, src string) {
		module := src + `
resource "aws_security_group" "g" {
  for_each = try(toset([for x in flatten([local.x]) : tostring(x)]), [])
  name     = each.key
  dynamic "ingress" {
    for_each = try(local.x, [])
    content { from_port = ingress.value }
  }
}
module "m" {
  source = "./m"
  v      = local.x
}
`
		fsys := fstest.MapFS{
			"main.tf":   {Data: []byte(module)},
			"m/main.tf": {Data: []byte("variable \"v\" {}\nlocals { y = [for a in var.v : [for b in var.v : \"${a}${b}\"]] }\nresource \"aws_ebs_volume\" \"v\" { encrypted = length(local.y) > 0 }\n")},
		}
		start := time.Now()
		m, sk := LoadModule(fuzzLimits(t), fsys, ".")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("evaluation took %v", d)
		}
		NewScanner(Options{}).evaluate(context.Background(), m)
		for _, s := range sk {
			if s.Path == "." && !strings.Contains(s.Reason, "budget: ") {
				t.Errorf("module skipped for a reason that is not a budget: %v", s)
			}
		}
	})
}

// FuzzPlan reads arbitrary bytes as a Terraform plan JSON file.
func FuzzPlan(f *testing.F) {
	addSeeds(f, "testdata", ".json")
	f.Add([]byte(`{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":1}}]}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"x.tfplan.json": {Data: src}}
		NewScanner(Options{}).Scan(fuzzLimits(t), fsys, []string{"x.tfplan.json"})
	})
}

// FuzzTemplate reads arbitrary bytes as a CloudFormation template.
func FuzzTemplate(f *testing.F) {
	addSeeds(f, filepath.Join("testdata", "golden", "cfn"), "")
	f.Add([]byte("AWSTemplateFormatVersion: x\nResources:\n  A: &a\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref A}\n  B: *a\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"t.yaml": {Data: src}}
		NewScanner(Options{}).Scan(fuzzLimits(t), fsys, []string{"t.yaml"})
	})
}

// FuzzARM reads arbitrary bytes as an ARM template, and reads every
// property of every resource through its node.
func FuzzARM(f *testing.F) {
	addSeeds(f, filepath.Join("testdata", "golden", "arm"), ".json")
	addSeeds(f, filepath.Join("testdata", "checks"), "azuredeploy.json")
	f.Add([]byte(`{"contentVersion": "1", "variables": {"a": "[variables('b')]", "b": "[concat(variables('a'), createArray(1))]"},
"resources": {"s": {"type": "A.B/c", "name": "[format('{0}{1}', variables('a'), 'x')]", "copy": {"name": "l", "count": 2},
"properties": {"copy": [{"name": "p", "count": 1, "input": {}}], "q": "[union(json('{\"a\": {}}'), createObject('a', createObject('b', 1)))]"},
"resources": [{"type": "d", "name": "[[e]", "properties": "[if(true(), createObject('x', range(0, 3)), null())]"}]}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"azuredeploy.json": {Data: src}}
		m, _ := loadARM(fuzzLimits(t), fsys, "azuredeploy.json")
		if m == nil {
			return
		}
		NewScanner(Options{}).evaluate(context.Background(), m)
		for _, r := range m.Resources {
			for _, name := range []string{"type", "name", "properties", "sku", "kind", "location", "tags", "x"} {
				r.node.attr(name)
				r.node.document(name)
				for _, b := range r.node.blocks(name) {
					b.attr("name")
					b.blocks("properties")
				}
			}
		}
	})
}

// FuzzRuleHelpers gives the rule helpers arbitrary policy JSON, CIDRs and
// port specs: they answer, unknown or not, and never panic.
func FuzzRuleHelpers(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:*"],"NotAction":"iam:*","Condition":{}}]}`, "0.0.0.0/0", "20-30")
	f.Add(`{"Statement":{"Effect":"Deny","Principal":{"AWS":["*",1]},"Action":[null,{}]}}`, "::/0", "*")
	f.Add(`[1,"x",{"Statement":"y"}]`, "Internet", "a-b")
	f.Fuzz(func(t *testing.T, doc, cidr, spec string) {
		d := decode(types.String(doc))
		for _, v := range []cref.Val{d, types.String(doc)} {
			celStatements(v)
			allows(v, types.String("iam:PassRole"))
			public(v)
			secretKeys(v)
		}
		secretText(types.String(doc))
		internet(types.String(cidr))
		internet(d)
		portCovers(types.String(spec), types.Int(22))
		portCovers(d, d)
	})
}
