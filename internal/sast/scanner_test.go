package sast

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

// brief is a finding reduced to what these tests compare.
type brief struct {
	ID   string
	Path string
	Line int
}

func briefs(fs []finding.Finding) []brief {
	out := make([]brief, 0, len(fs))
	for _, f := range fs {
		out = append(out, brief{f.CheckID, f.Location.Path, f.Location.StartLine})
	}
	slices.SortFunc(out, func(a, b brief) int {
		return cmp.Or(strings.Compare(a.ID, b.ID), strings.Compare(a.Path, b.Path), a.Line-b.Line)
	})
	return out
}

const insecureClient = `package main

import (
	"crypto/tls"
	"log"
	"net/http"
	"os"
)

func main() {
	token := os.Getenv("TOKEN")
	log.Println("calling with", token)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get("http://api.shop-partner.com/v1")
	if err == nil {
		resp.Body.Close()
	}
}
`

var insecureClientWant = []brief{
	{"FC-SAST-001", "cmd/client/main.go", 13},
	{"FC-SAST-014", "cmd/client/main.go", 12},
	{"FC-SAST-015", "cmd/client/main.go", 14},
}

// TestWithoutRoot: a tree that is not on disk is type-checked from its
// files, with the standard library's real types.
func TestWithoutRoot(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":             {Data: []byte("module example.com/client\n\ngo 1.22\n")},
		"cmd/client/main.go": {Data: []byte(insecureClient)},
	}
	s := NewScanner(Options{})
	fs, skipped := s.Scan(t.Context(), fsys, []string{"cmd/client/main.go"})
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	if diff := gocmp.Diff(insecureClientWant, briefs(fs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// writeTree writes files under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestModulesThatDoNotLoad: a go.mod the go command rejects (a toolchain
// newer than the local one), and a requirement missing from the module
// cache while offline, neither hang nor stop the scan, and the findings
// are the same.
func TestModulesThatDoNotLoad(t *testing.T) {
	for name, gomod := range map[string]string{
		"newer toolchain": "module example.com/client\n\ngo 1.99\n",
		"missing module":  "module example.com/client\n\ngo 1.22\n\nrequire example.invalid/nowhere v1.2.3\n",
		"broken go.mod":   "module example.com/client\n\nrequire (\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"go.mod": gomod, "cmd/client/main.go": insecureClient})
			s := NewScanner(Options{Root: dir, Offline: true, LoadTimeout: 2 * time.Minute})
			start := time.Now()
			fs, skipped := scanDir(t, s, dir)
			if len(skipped) > 0 {
				t.Errorf("skipped: %v", skipped)
			}
			if diff := gocmp.Diff(insecureClientWant, briefs(fs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			t.Logf("%s in %v", name, time.Since(start))
			if data, _ := os.ReadFile(filepath.Join(dir, "go.mod")); string(data) != gomod {
				t.Errorf("the scan changed go.mod:\n%s", data)
			}
			if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
				t.Error("the scan wrote go.sum")
			}
		})
	}
}

// TestBadGoFile: a file that does not parse is skipped with a reason; the
// rest of its package is still analysed.
func TestBadGoFile(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":             {Data: []byte("module example.com/client\n\ngo 1.22\n")},
		"cmd/client/main.go": {Data: []byte(insecureClient)},
		"cmd/client/bad.go":  {Data: []byte("package main\n\nfunc {\n")},
	}
	s := NewScanner(Options{})
	fs, skipped := s.Scan(t.Context(), fsys, []string{"cmd/client/bad.go", "cmd/client/main.go"})
	if len(skipped) != 1 || skipped[0].Path != "cmd/client/bad.go" || !strings.Contains(skipped[0].Reason, "parsing Go") {
		t.Errorf("skipped = %v, want bad.go with a parse error", skipped)
	}
	if diff := gocmp.Diff(insecureClientWant, briefs(fs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestWants(t *testing.T) {
	s := NewScanner(Options{})
	for p, want := range map[string]bool{
		"main.go":                      true,
		"internal/x/x.go":              true,
		"internal/x/x_test.go":         false,
		"vendor/github.com/a/b/b.go":   false,
		"internal/x/testdata/y.go":     false,
		"config/app.yaml":              true,
		".env":                         true,
		"web/src/api.ts":               true,
		"package.json":                 false,
		"package-lock.json":            false,
		"node_modules/left-pad/x.js":   false,
		"README.md":                    false,
		"docs/image.png":               false,
		".github/workflows/build.yaml": false,
	} {
		if got := s.Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestShopExample is the acceptance test on the insecure example: the
// insecure TLS config, the hard-coded credentials, the secret logged and the
// server without timeouts, at their lines; the hardened twin has no SAST
// finding.
func TestShopExample(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want []brief
	}{
		{"../../examples/shop", []brief{
			{"FC-SAST-001", "app/main.go", 37},
			{"FC-SAST-006", "app/main.go", 18},
			{"FC-SAST-006", "app/main.go", 19},
			{"FC-SAST-006", "app/main.go", 20},
			{"FC-SAST-009", "app/main.go", 51},
			{"FC-SAST-014", "app/main.go", 48},
		}},
		{"../../examples/shop-hardened", []brief{}},
	} {
		t.Run(filepath.Base(tc.dir), func(t *testing.T) {
			dir, err := filepath.Abs(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			fs, skipped := scanDir(t, NewScanner(Options{Root: dir, Offline: true}), dir)
			if len(skipped) > 0 {
				t.Errorf("skipped: %v", skipped)
			}
			for _, f := range fs {
				t.Logf("%s %s %s", f.CheckID, f.Location, f.Message)
			}
			if diff := gocmp.Diff(tc.want, briefs(fs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitModules(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":             {Data: []byte("module a\n")},
		"x.go":               {},
		"tools/go.mod":       {Data: []byte("module a/tools\n")},
		"tools/gen/gen.go":   {},
		"tools/go.modx/y.go": {},
	}
	got := splitModules(fsys, []string{"tools/gen/gen.go", "x.go", "tools/go.modx/y.go"})
	want := []goModule{
		{dir: ".", files: []string{"x.go"}},
		{dir: "tools", files: []string{"tools/gen/gen.go", "tools/go.modx/y.go"}},
	}
	if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(goModule{})); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
	if got := splitModules(fstest.MapFS{"p/q.go": {}}, []string{"p/q.go"}); len(got) != 1 || got[0].dir != "" {
		t.Errorf("file outside any module: %+v", got)
	}
}
