package inventory

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// packageLock writes a pretty-printed package-lock.json (lockfile v3)
// with n packages, each depending on the next; every tenth one is also
// nested under the previous one, at the same version (a duplicate).
func packageLock(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"name\": \"big\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\n      \"name\": \"big\",\n      \"dependencies\": {\"p0\": \"1.0.0\"}\n    }")
	for i := range n {
		fmt.Fprintf(&b, ",\n    \"node_modules/p%d\": {\n      \"version\": \"1.0.%d\",\n      \"resolved\": \"https://registry.npmjs.org/p%d/-/p%d-1.0.%d.tgz\"", i, i, i, i, i)
		if i+1 < n {
			fmt.Fprintf(&b, ",\n      \"dependencies\": {\"p%d\": \"1.0.%d\"}", i+1, i+1)
		}
		b.WriteString("\n    }")
		if i%10 == 9 {
			fmt.Fprintf(&b, ",\n    \"node_modules/p%d/node_modules/p%d\": {\"version\": \"1.0.%d\", \"dev\": true}", i-1, i, i)
		}
	}
	b.WriteString("\n  }\n}\n")
	return b.Bytes()
}

// TestLargePackageLock: scalibr's extractor finds each package's line
// with a search from the start of the file (quadratic); fourc splits large
// lockfiles so that their cost grows linearly (20,000 packages took 20 s
// of CPU before, 100,000 did not finish; now 100,000 take about 4 s).
func TestLargePackageLock(t *testing.T) {
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"package-lock.json": {Data: packageLock(20_000)}}
	start := time.Now()
	pkgs, sk := x.Extract(context.Background(), fsys, []string{"package-lock.json"})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("20,000 packages took %s", d)
	}
	if len(pkgs) != 20_000 || len(sk) > 0 {
		t.Fatalf("%d packages, skipped %v", len(pkgs), sk)
	}
}

// TestChunkedLockMatchesScalibr: splitting a lockfile gives the packages
// and lines scalibr gives for the whole file.
func TestChunkedLockMatchesScalibr(t *testing.T) {
	data := packageLock(3 * npmLockChunk)
	e, err := packagelockjson.New(&cpb.PluginConfig{})
	if err != nil {
		t.Fatal(err)
	}
	fsys := scalibrFS{fsys: fstest.MapFS{"package-lock.json": {Data: data}}, limit: 1 << 30}
	in := func() *filesystem.ScanInput {
		return &filesystem.ScanInput{FS: fsys, Path: "package-lock.json", Reader: bytes.NewReader(data)}
	}
	whole, err := e.Extract(context.Background(), in())
	if err != nil {
		t.Fatal(err)
	}
	chunked, err := extractNpmLock(context.Background(), e, in(), data)
	if err != nil {
		t.Fatal(err)
	}
	key := func(inv []string) []string { slices.Sort(inv); return inv }
	var a, b []string
	for _, p := range whole.Packages {
		a = append(a, fmt.Sprintf("%s@%s:%d", p.Name, p.Version, lineOf(p)))
	}
	for _, p := range chunked.Packages {
		b = append(b, fmt.Sprintf("%s@%s:%d", p.Name, p.Version, lineOf(p)))
	}
	// Duplicates (the nested copies) get either line from scalibr, in map
	// order; compare names and versions for them, lines for the rest.
	strip := func(ss []string) []string {
		var out []string
		for _, s := range ss {
			name, _, _ := strings.Cut(s, "@")
			var i int
			fmt.Sscanf(name, "p%d", &i)
			if i%10 == 9 {
				s, _, _ = strings.Cut(s, ":")
			}
			out = append(out, s)
		}
		return out
	}
	if d := cmp.Diff(key(strip(a)), key(strip(b))); d != "" {
		t.Errorf("chunked extraction differs from scalibr's (-whole +chunked):\n%s", d)
	}
}

func TestLockfileOverBudget(t *testing.T) {
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"sub/package-lock.json": {Data: packageLock(10)}}
	ctx := limits.With(context.Background(), limits.Limits{FileBytes: 1000})
	pkgs, sk := x.Extract(ctx, fsys, []string{"sub/package-lock.json"})
	want := []finding.Skipped{{Path: "sub/package-lock.json", Scanner: ScannerName,
		Reason: fmt.Sprintf("javascript/packagelockjson: %d bytes: budget: file size exceeded 1000 B", len(fsys["sub/package-lock.json"].Data))}}
	if d := cmp.Diff(want, sk); d != "" || len(pkgs) > 0 {
		t.Errorf("packages %v; skipped (-want +got):\n%s", pkgs, d)
	}
}

// TestIncludesStayInRoot: requirements.txt's -r includes go through the
// scan's fs.FS; with a confined root, a symlinked directory pointing
// outside and a FIFO are refused without blocking.
func TestIncludesStayInRoot(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outsidepkg==6.6.6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "pipe"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe", "requirements.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	req := "insidepkg==1.0.0\n-r link/secret.txt\n-r fifo.txt\n-r ../" + filepath.Base(outside) + "/secret.txt\n"
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(req), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := source.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		pkgs []Package
		sk   []finding.Skipped
	}
	done := make(chan result, 1)
	go func() {
		p, sk := x.Extract(context.Background(), root.FS(), []string{"requirements.txt", "pipe/requirements.txt"})
		done <- result{p, sk}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("extraction blocked (FIFO?)")
	}
	var names []string
	for _, p := range r.pkgs {
		names = append(names, p.Name)
	}
	if d := cmp.Diff([]string{"insidepkg"}, names); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
	want := []finding.Skipped{{Path: "pipe/requirements.txt", Scanner: ScannerName, Reason: "python/requirements: not a regular file (p---------)"}}
	if d := cmp.Diff(want, r.sk); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
}

// TestLibraryLogs: scalibr's complaints about a garbage lockfile reach
// the logger only at debug level, with control characters escaped.
func TestLibraryLogs(t *testing.T) {
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	yarn := "# yarn lockfile v1\n\n\"\x1b]0;pwned\x07\x1b[2J@^1\":\n  version \"\x1b[2J1.0\"\n  resolved \"x\"\n\x1b]0;pwned\x07 garbage line\n"
	fsys := fstest.MapFS{
		"package-lock.json": {Data: []byte(strings.Repeat("{\"packages\": [garbage\n", 500))},
		"yarn.lock":         {Data: []byte(yarn)},
	}
	defer RouteLibraryLogs(nil)
	for _, level := range []slog.Level{slog.LevelWarn, slog.LevelDebug} {
		var buf bytes.Buffer
		RouteLibraryLogs(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})))
		x.Extract(context.Background(), fsys, []string{"package-lock.json", "yarn.lock"})
		if level == slog.LevelWarn && buf.Len() > 0 {
			t.Errorf("scalibr logged at warn level:\n%s", buf.String())
		}
		if level == slog.LevelDebug && !strings.Contains(buf.String(), "from=osv-scalibr") {
			t.Errorf("scalibr's logging did not reach the debug log:\n%s", buf.String())
		}
		if strings.ContainsAny(buf.String(), "\x1b\x07") {
			t.Errorf("control characters reached the log:\n%q", buf.String())
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := map[string]string{
		"plain":                 "plain",
		"\x1b]0;title\x07x":     `\x1b]0;title\x07x`,
		"a\u009bb\x7f":          `a\u009bb\x7f`,
		"bad\xffutf8 é \ufffd":  `bad\xffutf8 é ` + "\ufffd",
		strings.Repeat("a", 20): strings.Repeat("a", 10) + "…",
	}
	for in, want := range tests {
		if got := Sanitize(in, 10+len(in)*boolInt(len(in) < 20)); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
