package secret

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

// cpuTime returns the CPU time (user and system) the process has used; on a
// shared machine it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScan runs the scanner through the engine over a generated tree
// of 2,000 keyword-dense files (~30 MB); MB/s is the tree's size over wall
// time, cpu-MB/s over the CPU time of all workers.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	size := writeTree(b, dir, 2000)
	s, err := NewScanner(Options{})
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	b.SetBytes(size)
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := engine.Run(context.Background(), fsys, []engine.Scanner{s}, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 50 {
			b.Fatalf("%d findings, want 50", len(res.Findings))
		}
	}
	b.ReportMetric(float64(size)*float64(b.N)/1e6/(cpuTime()-cpu0).Seconds(), "cpu-MB/s")
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
	cpu0 := cpuTime()
	for b.Loop() {
		d.scan(st, data, "", 0, len(data), 1, nil)
	}
	b.ReportMetric(float64(len(data))*float64(b.N)/1e6/(cpuTime()-cpu0).Seconds(), "cpu-MB/s")
}
