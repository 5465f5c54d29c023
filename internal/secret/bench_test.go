package secret

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/engine"
)

// writeTree writes a tree of source-like files (Go, YAML, .env, JSON, with
// the keywords the rules look for and a few secrets) and returns its size.
func writeTree(tb testing.TB, dir string, files int) int64 {
	tb.Helper()
	var total int64
	for i := range files {
		var b strings.Builder
		var name string
		switch i % 4 {
		case 0:
			name = fmt.Sprintf("pkg%d/file%d.go", i%50, i)
			b.WriteString("package pkg\n\nimport \"go/token\"\n\n")
			for j := range 200 {
				fmt.Fprintf(&b, "func f%d(tok token.Token, password string) string { return fmt.Sprintf(\"%%s-%%d\", password, %d) }\n", j, j)
			}
		case 1:
			name = fmt.Sprintf("deploy%d/app%d.yaml", i%50, i)
			for j := range 150 {
				fmt.Fprintf(&b, "- name: API_TOKEN_%d\n  valueFrom:\n    secretKeyRef: {name: app-secrets, key: token}\n", j)
			}
		case 2:
			name = fmt.Sprintf("svc%d/.env.%d", i%50, i)
			for j := range 300 {
				fmt.Fprintf(&b, "FEATURE_%d_ENABLED=true\nDB_HOST_%d=db.internal\n", j, j)
			}
			if i%40 == 2 {
				fmt.Fprintf(&b, "GITHUB_TOKEN=%s\n", fakeGitHubPAT)
			}
		case 3:
			name = fmt.Sprintf("data%d/fixture%d.json", i%50, i)
			b.WriteString("[\n")
			for j := range 200 {
				fmt.Fprintf(&b, "  {\"id\": %d, \"name\": \"item-%d\", \"secret_ref\": \"vault:kv/app#%d\"},\n", j, j, j)
			}
			b.WriteString("  {}\n]\n")
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		total += int64(b.Len())
	}
	return total
}

// BenchmarkScan runs the scanner through the engine over a generated tree
// of 2,000 files (~20 MB); the reported MB/s is the tree's size over time.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	size := writeTree(b, dir, 2000)
	s, err := NewScanner(Options{})
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		res, err := engine.Run(context.Background(), fsys, []engine.Scanner{s}, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 50 {
			b.Fatalf("%d findings, want 50", len(res.Findings))
		}
	}
}

// BenchmarkDetector measures the detector alone on one window of
// keyword-dense text.
func BenchmarkDetector(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < windowSize {
		sb.WriteString("\tif tok.Kind == token.IDENT && password != \"\" { secret = strings.TrimSpace(value) }\n")
	}
	data := []byte(sb.String())
	d, err := NewDetector(Options{})
	if err != nil {
		b.Fatal(err)
	}
	st := d.newScratch()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d.scan(st, data, "", 0, len(data), 1, nil)
	}
}
