package checktest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

var meta = check.New("FC-TST-001", "Value is bad", finding.SeverityHigh, finding.LayerCode,
	"A bad value.", "Use a good value.")

// scan reports FC-TST-001 for every line "bad" of the files under path;
// "nomsg" gives a finding with only the title, "noline" one without a
// line, "other" a finding of an undeclared check, "skip" a skipped input.
func scan(t *testing.T, path string) ([]finding.Finding, []finding.Skipped) {
	var out []finding.Finding
	var skipped []finding.Skipped
	err := filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			v := check.Violation{Message: "value in " + filepath.Base(p) + " is bad", Line: i + 1}
			m := meta
			switch line {
			case "bad":
			case "nomsg":
				v.Message = ""
			case "noline":
				v.Line = 0
			case "other":
				m.ID = "FC-TST-999"
			case "skip":
				skipped = append(skipped, finding.Skipped{Path: p, Scanner: "test", Reason: "unreadable"})
				continue
			default:
				continue
			}
			out = append(out, m.Finding(finding.Resource{Kind: "file", Name: p}, finding.Location{Path: p}, v))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, skipped
}

// layout writes files (path → content) under a temporary root.
func layout(t *testing.T, files map[string]string) string {
	root := t.TempDir()
	for p, c := range files {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var cases = map[string]struct {
	files map[string]string
	want  string // "" when the fixtures are sound
}{
	"sound": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "bad",
	}},
	"no fail fixture": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
	}, want: "check FC-TST-001 has no fail fixture"},
	"pass folder with a keep file": {files: map[string]string{
		"FC-TST-001/pass/.keep": "",
		"FC-TST-001/fail/a.txt": "bad",
	}, want: ""},
	"orphan": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "bad",
		"FC-TST-002/fail/a.txt": "bad",
	}, want: "fixtures of an unknown check (orphan)"},
	"stray folder": {files: map[string]string{
		"FC-TST-001/pass/a.txt":  "good",
		"FC-TST-001/fail/a.txt":  "bad",
		"FC-TST-001/maybe/a.txt": "bad",
	}, want: "want only pass and fail"},
	"fail fixture silent": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "good",
	}, want: "want a FC-TST-001 finding, got none"},
	"pass fixture reports": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "bad",
		"FC-TST-001/fail/a.txt": "bad",
	}, want: "want no FC-TST-001 finding"},
	"title as message": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "nomsg",
	}, want: "without a precise message"},
	"no line": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "noline",
	}, want: "without a location"},
	"undeclared check": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "good",
		"FC-TST-001/fail/a.txt": "bad\nother",
	}, want: "a check the scanner does not declare: FC-TST-999"},
	"skipped input": {files: map[string]string{
		"FC-TST-001/pass/a.txt": "skip",
		"FC-TST-001/fail/a.txt": "bad",
	}, want: "skipped"},
}

// TestFixtures runs Fixtures over sound and broken fixture trees, each in a
// child process (a failing Fixtures fails its test), and checks that the
// child fails, naming the problem, exactly when the tree is broken.
func TestFixtures(t *testing.T) {
	if name := os.Getenv("CHECKTEST_CASE"); name != "" {
		c := cases[name]
		root := layout(t, c.files)
		checktest.Fixtures(t, []check.Meta{meta}, root, scan, checktest.PerEntry())
		return
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestFixtures$", "-test.v")
			cmd.Env = append(os.Environ(), "CHECKTEST_CASE="+name)
			out, err := cmd.CombinedOutput()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("sound fixtures failed:\n%s", out)
			case c.want != "" && err == nil:
				t.Fatalf("broken fixtures passed, want a failure naming %q:\n%s", c.want, out)
			case c.want != "" && !strings.Contains(string(out), c.want):
				t.Fatalf("failure does not name %q:\n%s", c.want, out)
			}
		})
	}
}
