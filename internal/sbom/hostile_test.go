package sbom

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// cdxComponents streams a CycloneDX document with n flat components.
func cdxComponents(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		fmt.Fprint(w, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
		for i := range n {
			if i > 0 {
				w.WriteString(",")
			}
			fmt.Fprintf(w, `{"type":"library","name":"p%d","version":"1.0.%d","purl":"pkg:npm/p%d@1.0.%d","hashes":[{"alg":"SHA-256","content":"00"}]}`, i, i, i, i)
		}
		w.WriteString(`],"dependencies":[{"ref":"x","dependsOn":["a","b"]}]}`)
		w.Flush()
		pw.Close()
	}()
	return pr
}

// nested is a CycloneDX document whose components nest depth levels deep,
// each level carrying one package.
func nested(depth int) string {
	var sb strings.Builder
	sb.WriteString(`{"bomFormat":"CycloneDX","components":`)
	for i := range depth {
		fmt.Fprintf(&sb, `[{"name":"n%d","components":`, i)
	}
	sb.WriteString("[]")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&sb, `,"purl":"pkg:npm/n%d@1"}]`, i)
	}
	sb.WriteString("}")
	return sb.String()
}

func TestHostileSBOMs(t *testing.T) {
	long := `{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/ok@1"},{"purl":"pkg:npm/` + strings.Repeat("a", 2<<20) + `@1"}]}`
	longSPDX := `{"spdxVersion":"SPDX-2.3","packages":[{"name":"` + strings.Repeat("b", 100) + `","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/` + strings.Repeat("b", 100) + `@1"}]},{"name":"ok","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/ok@1"}]}]}`
	tests := []struct {
		name     string
		in       func() io.Reader
		lim      limits.Limits
		packages int
		skipped  []finding.Skipped
	}{
		{
			name: "many components", lim: limits.Limits{Components: 1000},
			in:       func() io.Reader { return cdxComponents(100_000) },
			packages: 1000,
			skipped: []finding.Skipped{{Path: "bom.json", Scanner: "sbom",
				Reason: "components after the first 1000 not read: budget: SBOM components exceeded 1000"}},
		},
		{
			name: "deep nesting", lim: limits.Limits{Depth: 10},
			in:       func() io.Reader { return strings.NewReader(nested(5000)) },
			packages: 11,
			skipped: []finding.Skipped{{Path: "bom.json", Scanner: "sbom",
				Reason: "1 subtree(s) of components nested deeper than 10 not read: budget: SBOM component depth exceeded 10"}},
		},
		{
			name:     "nesting within the budget",
			in:       func() io.Reader { return strings.NewReader(nested(150)) },
			packages: 150,
		},
		{
			name:     "2 MB purl",
			in:       func() io.Reader { return strings.NewReader(long) },
			packages: 1,
			skipped: []finding.Skipped{{Path: "bom.json", Scanner: "sbom",
				Reason: "1 component(s) with a purl, name or version over 64 KiB not read: budget: SBOM string size exceeded 64 KiB"}},
		},
		{
			name: "long SPDX name", lim: limits.Limits{StringBytes: 64},
			in:       func() io.Reader { return strings.NewReader(longSPDX) },
			packages: 1,
			skipped: []finding.Skipped{{Path: "bom.json", Scanner: "sbom",
				Reason: "1 component(s) with a purl, name or version over 64 B not read: budget: SBOM string size exceeded 64 B"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := limits.With(context.Background(), tt.lim)
			start := time.Now()
			doc, err := Decode(ctx, tt.in(), "bom.json")
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
			if len(doc.Packages) != tt.packages {
				t.Errorf("%d packages, want %d", len(doc.Packages), tt.packages)
			}
			if d := cmp.Diff(tt.skipped, doc.Skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
		})
	}
}

// TestManyComponentsMemory reads 200,000 components under the default
// budgets: the document streams, so the heap holds the packages only.
func TestManyComponentsMemory(t *testing.T) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	doc, err := Decode(context.Background(), cdxComponents(200_000), "bom.json")
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(doc.Packages) != 200_000 {
		t.Fatalf("%d packages", len(doc.Packages))
	}
	// About 250 bytes a package; the allocations in total (garbage
	// included) stay within a small multiple of that.
	if got := after.TotalAlloc - before.TotalAlloc; got > 400<<20 {
		t.Errorf("allocated %d MiB for 200,000 components", got>>20)
	}
}

func TestReadFileRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bom.json")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(context.Background(), p); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("ReadFile(FIFO) = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadFile blocked on a FIFO")
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"bomFormat":"CycloneDX","components":[]}`+strings.Repeat(" ", 2000)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := limits.With(context.Background(), limits.Limits{FileBytes: 1000})
	if _, err := ReadFile(ctx, big); err == nil || !strings.Contains(err.Error(), "budget: SBOM size exceeded 1000 B") {
		t.Errorf("ReadFile(over FileBytes) = %v", err)
	}
}
