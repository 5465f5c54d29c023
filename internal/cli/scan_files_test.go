package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanSeveralFiles runs `fourc scan FILE FILE` as a pre-commit hook
// does: only the named files are scanned, relative to the current
// directory, and a file outside it or missing is an error naming it.
func TestScanSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"app/credentials":   "[default]\naws_access_key_id = AKIAB3RXXHKQLG5HNQ4G\n",
		"notes.txt":         "nothing here\n",
		"other/credentials": "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"scan", "--scanners", "secret", "--fail-on", "high", "--format", "json", "--quiet", "app/credentials", "./notes.txt"}, nil, &stdout, &stderr)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d: %s", code, ExitFindings, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, `"app/credentials"`) || strings.Contains(out, "other/credentials") {
		t.Errorf("report does not hold exactly the named files:\n%.2000s", out)
	}

	for _, args := range [][]string{{"notes.txt", "missing.txt"}, {"notes.txt", filepath.Join("..", filepath.Base(dir))}} {
		stdout.Reset()
		stderr.Reset()
		code := Run(context.Background(), append([]string{"scan", "--quiet"}, args...), nil, &stdout, &stderr)
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code == ExitOK || code == ExitFindings || !strings.Contains(first, `"`+args[1]+`"`) {
			t.Errorf("scan %q: exit %d, stderr %q; want an error naming %q", args, code, stderr.String(), args[1])
		}
	}
}
