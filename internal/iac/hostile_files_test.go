package iac

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// writeFiles writes files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestModuleOutsideRoot checks that a local module reached through a
// symbolic link leading outside the scan root is not loaded, whether the
// file system is the confined scan root the CLI uses or os.DirFS.
func TestModuleOutsideRoot(t *testing.T) {
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"ext/main.tf": `resource "aws_ebs_volume" "outside" { encrypted = false }`})
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"main.tf":         "module \"ext\" { source = \"./modules/ext\" }\nmodule \"via\" { source = \"./inner/ext\" }\nmodule \"in\" { source = \"./modules/in\" }\n",
		"modules/in/a.tf": `resource "aws_ebs_volume" "inside" { encrypted = false }`,
	})
	// modules/ext is an absolute link out; inner is a relative one, and
	// the module is a real directory below it.
	if err := os.Symlink(filepath.Join(outside, "ext"), filepath.Join(root, "modules", "ext")); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, outside)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, filepath.Join(root, "inner")); err != nil {
		t.Fatal(err)
	}
	r, err := source.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for name, fsys := range map[string]fs.FS{"os.DirFS": os.DirFS(root), "confined root": r.FS()} {
		t.Run(name, func(t *testing.T) {
			m, sk := LoadModule(t.Context(), fsys, ".")
			var addrs []string
			for _, v := range m.AWS.EBSVolumes {
				addrs = append(addrs, v.Address)
			}
			if strings.Join(addrs, " ") != "module.in.aws_ebs_volume.inside" {
				t.Errorf("volumes = %v, want only the module inside the root", addrs)
			}
			for _, dir := range []string{"modules/ext", "inner/ext"} {
				found := false
				for _, s := range sk {
					found = found || s.Path == dir
				}
				if !found {
					t.Errorf("skipped = %v, want an entry for %q", sk, dir)
				}
			}
		})
	}
}

// TestSpecialFiles checks that FIFOs named like Terraform, plan or
// template files are refused at once, never opened.
func TestSpecialFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"main.tf": `resource "aws_ebs_volume" "v" { encrypted = false }`})
	for _, name := range []string{"fifo.tf", "terraform.tfvars", "t.yaml", "x.tfplan.json"} {
		if err := syscall.Mkfifo(filepath.Join(root, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := NewScanner(Options{})
		fsys := os.DirFS(root)
		findings, sk := s.Scan(t.Context(), fsys, []string{"main.tf", "fifo.tf", "terraform.tfvars"})
		if len(findings) == 0 {
			t.Error("no findings for main.tf next to a FIFO")
		}
		if !hasSkip(sk, "fifo.tf", "not a regular file") {
			t.Errorf("skipped = %v, want fifo.tf refused", sk)
		}
		_, sk = s.Scan(t.Context(), fsys, []string{"t.yaml", "x.tfplan.json"})
		if !hasSkip(sk, "t.yaml", "not a regular file") || !hasSkip(sk, "x.tfplan.json", "not a regular file") {
			t.Errorf("skipped = %v, want the FIFOs refused", sk)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scan blocked on a FIFO")
	}
}

// planWithDepth is a plan whose modules nest n deep, each with one
// unencrypted volume.
func planWithDepth(n int) []byte {
	var mod func(d int, addr string) map[string]any
	mod = func(d int, addr string) map[string]any {
		m := map[string]any{
			"address": addr,
			"resources": []any{map[string]any{
				"address": addr + ".aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
				"values": map[string]any{"encrypted": false},
			}},
		}
		if d > 0 {
			m["child_modules"] = []any{mod(d-1, addr+".module.m")}
		}
		return m
	}
	plan := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.0",
		"planned_values": map[string]any{"root_module": map[string]any{"child_modules": []any{mod(n, "module.m")}}},
	}
	b, _ := json.Marshal(plan)
	return b
}

// TestPlanDeepModules checks that modules nested past the depth budget are
// reported, not silently dropped, and that those above are scanned.
func TestPlanDeepModules(t *testing.T) {
	fsys := fstest.MapFS{"x.tfplan.json": {Data: planWithDepth(250)}}
	m, sk := loadPlan(testLimits(t.Context()), fsys, "x.tfplan.json")
	if !hasSkip(sk, "x.tfplan.json", "budget: child module depth exceeded 200") {
		t.Errorf("skipped = %v, want the truncation reported", sk)
	}
	if got := len(m.AWS.EBSVolumes); got != 200 {
		t.Errorf("volumes = %d, want the 200 within the limit", got)
	}
	// Past encoding/json's own limit the file is refused, not crashed on.
	deep := []byte(`{"format_version":"1.2","terraform_version":"1","planned_values":` + strings.Repeat("[", 500_000) + strings.Repeat("]", 500_000) + "}")
	_, sk = loadPlan(testLimits(t.Context()), fstest.MapFS{"x.tfplan.json": {Data: deep}}, "x.tfplan.json")
	if !hasSkip(sk, "x.tfplan.json", "decoding Terraform plan JSON") {
		t.Errorf("skipped = %v, want the deep plan refused", sk)
	}
}

// TestHostileTemplates checks deep and self-referencing CloudFormation.
func TestHostileTemplates(t *testing.T) {
	bomb := []string{"AWSTemplateFormatVersion: x", `a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]`}
	for i := 1; i < 10; i++ {
		bomb = append(bomb, fmt.Sprintf("a%d: &a%d [%s]", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ",")))
	}
	bomb = append(bomb, "Resources:", "  A:", "    Type: AWS::S3::Bucket", "    Properties: {BucketName: *a9, Tags: *a9, VersioningConfiguration: *a9}")
	header := "AWSTemplateFormatVersion: x\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: "
	cases := []struct{ name, file, src, want string }{
		{"alias bomb", "t.yaml", strings.Join(bomb, "\n"), ""},
		{"deep flow YAML", "t.yaml", header + nested("[", "", "]", 500_000), "exceeded max depth"},
		{"deep block YAML", "t.yaml", header + "\n" + deepBlockYAML(300), "budget: nesting depth exceeded 200"},
		{"deep JSON", "t.json", `{"AWSTemplateFormatVersion": "x", "Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": ` + nested("[", "", "]", 500_000) + "}}}", "exceeded max depth"},
		{"JSON past the budget", "t.json", `{"AWSTemplateFormatVersion": "x", "Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": ` + nested("[", "", "]", 300) + "}}}", "budget: nesting depth exceeded 200"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, sk := NewScanner(Options{}).Scan(testLimits(t.Context()), fstest.MapFS{tc.file: {Data: []byte(tc.src)}}, []string{tc.file})
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("scan took %v", d)
			}
			if tc.want != "" && !hasSkip(sk, tc.file, tc.want) {
				t.Errorf("skipped = %v, want %q", sk, tc.want)
			}
		})
	}
}

// deepBlockYAML nests block mappings n deep.
func deepBlockYAML(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", 6+i) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", 6+n) + "v: 1\n")
	return b.String()
}

// TestExcludedCallers checks that a module called only from an excluded
// directory is scanned on its own.
func TestExcludedCallers(t *testing.T) {
	fsys := fstest.MapFS{
		"live/main.tf":       {Data: []byte(`module "db" { source = "../modules/db" }`)},
		"modules/db/main.tf": {Data: []byte(`resource "aws_ebs_volume" "v" { encrypted = false }`)},
	}
	for _, tc := range []struct {
		exclude []string
		want    bool
	}{
		{nil, false},
		{[]string{"live"}, true},
		{[]string{"live/*"}, true},
		{[]string{"other"}, false},
	} {
		findings, _ := NewScanner(Options{Exclude: tc.exclude}).Scan(t.Context(), fsys, []string{"modules/db/main.tf"})
		if got := len(findings) > 0; got != tc.want {
			t.Errorf("exclude %q: findings in modules/db = %v, want %v", tc.exclude, got, tc.want)
		}
	}
}

// armTemplate returns an ARM template with the given variables (JSON
// members) and one storage account whose properties are props.
func armTemplateSrc(vars, props string) string {
	return `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
"variables": {` + vars + `},
"resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "sa", "properties": ` + props + `}]}`
}

// chain returns variables v1..vn, each step applied to the one before.
func chain(first, step string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `"v0": %s`, first)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `, "v%d": "[%s]"`, i, fmt.Sprintf(step, fmt.Sprintf("variables('v%d')", i-1)))
	}
	return b.String()
}

// TestHostileARM checks that ARM templates that nest deep, grow values or
// refer to themselves are refused quickly, or evaluate to unknown values,
// and that a malformed one is one skipped line naming the file.
func TestHostileARM(t *testing.T) {
	const deep = 500_000
	many := make([]string, 1000)
	for i := range many {
		many[i] = fmt.Sprintf(`{"type": "Microsoft.Storage/storageAccounts", "name": "sa%d", "properties": {"x": "[variables('big')]"}}`, i)
	}
	cases := []struct{ name, src, want string }{
		{"deep arrays", armTemplateSrc("", nested("[", "", "]", deep)), "budget: nesting depth exceeded 200"},
		{"deep objects past the budget", armTemplateSrc("", nested(`{"a": `, "1", "}", 300)), "budget: nesting depth exceeded 200"},
		{"huge array", armTemplateSrc("", "["+strings.TrimSuffix(strings.Repeat("1,", 200_000), ",")+"]"), "budget: JSON values in a template exceeded 100000"},
		{"big array", armTemplateSrc("", "["+strings.TrimSuffix(strings.Repeat(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`, 9_000), ",")+"]"), "budget: collection size exceeded"},
		{"big array in a variable", armTemplateSrc(`"a": [`+strings.TrimSuffix(strings.Repeat(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`, 9_000), ",")+`]`, `{"x": "[length(variables('a'))]"}`), "budget: collection size exceeded"},
		{"string doubling", armTemplateSrc(chain(`"x"`, "concat(%[1]s, %[1]s)", 40), `{"x": "[variables('v40')]"}`), "budget: collection size exceeded"},
		{"array doubling", armTemplateSrc(chain(`["x"]`, "concat(%[1]s, %[1]s)", 40), `{"x": "[variables('v40')]"}`), "budget: "},
		{"nested array doubling", armTemplateSrc(chain(`["x"]`, "createArray(%[1]s, %[1]s)", 60), `{"x": "[variables('v60')]"}`), "budget: "},
		{"object doubling", armTemplateSrc(chain(`{"a": 1}`, "createObject('l', %[1]s, 'r', %[1]s)", 60), `{"x": "[variables('v60')]"}`), "budget: "},
		{"format bomb", armTemplateSrc(`"w": "[padLeft('x', 90000)]"`, `{"x": "[format('`+strings.Repeat("{0}", 30_000)+`', variables('w'))]"}`), "budget: collection size exceeded"},
		{"huge padLeft", armTemplateSrc("", `{"x": "[padLeft('x', 1000000000000)]"}`), "budget: collection size exceeded"},
		{"huge replace", armTemplateSrc(`"w": "[padLeft('a', 50000, 'a')]", "r": "[padLeft('b', 50000, 'b')]"`, `{"x": "[replace(variables('w'), 'a', variables('r'))]"}`), "budget: collection size exceeded"},
		{"long variable chain", armTemplateSrc(chain(`"x"`, "%s", 1000), `{"x": "[variables('v1000')]"}`), "budget: expression depth exceeded 200"},
		{"deep calls", armTemplateSrc("", `{"x": "[`+nested("concat(", "'a'", ")", deep)+`]"}`), "budget: expression depth exceeded 200"},
		{"long property chain", armTemplateSrc("", `{"x": "[createObject('a', 1)`+strings.Repeat(".a", deep)+`]"}`), "budget: expression depth exceeded 200"},
		{"long index chain", armTemplateSrc("", `{"x": "[createArray(1)`+strings.Repeat("[0]", deep)+`]"}`), "budget: expression depth exceeded 200"},
		{"shared big variable", `{"contentVersion": "1.0.0.0", "variables": {"big": "[range(0, 10000)]"}, "resources": [` + strings.Join(many, ",") + `]}`, "budget: evaluation steps exceeded"},
		{"recursive variables", armTemplateSrc(`"a": "[variables('b')]", "b": "[concat(variables('a'), variables('a'))]", "self": "[variables('self')]"`, `{"x": "[variables('a')]", "y": "[variables('self')]"}`), ""},
		{"recursive parameters", `{"contentVersion": "1.0.0.0", "parameters": {"p": {"type": "string", "defaultValue": "[parameters('p')]"}}, "resources": [{"type": "T/t", "name": "[parameters('p')]"}]}`, ""},
		{"long whitespace", armTemplateSrc("", `{"x":`+strings.Repeat("\n", 20<<20)+`1}`), ""},
		{"malformed", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"type": "x",` + "\n\n" + `"name": }]}`, "parsing ARM template: line 3: invalid character '}' looking for beginning of value"},
		{"truncated", `{"contentVersion": "1.0.0.0", "resources": [`, "parsing ARM template: unexpected end of file"},
		{"trailing data", `{"contentVersion": "1.0.0.0", "resources": []} {}`, "parsing ARM template: line 1: data after the template"},
		{"unterminated comment", `{"contentVersion": "1.0.0.0", /* "resources": []}`, "parsing ARM template: unexpected end of file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"t.json": {Data: []byte(tc.src)}}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			findings, sk := NewScanner(Options{}).Scan(testLimits(t.Context()), fsys, []string{"t.json"})
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("scan took %v", d)
			}
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > 256<<20 {
				t.Errorf("allocated %s in total, want at most 256 MiB", limits.Bytes(int64(got)))
			}
			for _, s := range sk {
				if strings.Contains(s.Reason, "\n") {
					t.Errorf("skipped reason on several lines: %q", s.Reason)
				}
			}
			if tc.want == "" {
				if len(sk) > 0 {
					t.Errorf("skipped = %v, want none", sk)
				}
				return
			}
			if len(sk) != 1 || !hasSkip(sk, "t.json", tc.want) {
				t.Errorf("skipped = %v, want one entry for t.json with %q", sk, tc.want)
			}
			if len(findings) > 0 {
				t.Errorf("findings of a refused template: %v", findings)
			}
		})
	}
}

// TestARMDeadline checks that parsing and evaluating a template stop at
// the per-input deadline.
func TestARMDeadline(t *testing.T) {
	src := armTemplateSrc(chain(`["x"]`, "union(%[1]s, createArray(length(%[1]s)))", 150), `{"x": "[variables('v150')]"}`)
	ctx := limits.With(t.Context(), limits.Limits{PerInput: time.Nanosecond})
	_, sk := NewScanner(Options{}).Scan(ctx, fstest.MapFS{"t.json": {Data: []byte(src)}}, []string{"t.json"})
	if !hasSkip(sk, "t.json", "budget: evaluation time exceeded") {
		t.Errorf("skipped = %v, want the deadline", sk)
	}
}
