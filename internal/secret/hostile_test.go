package secret

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// writeTokens writes n distinct GitHub-token-shaped lines (made up, random)
// to w.
func writeTokens(w *bufio.Writer, n int, seed uint64) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewPCG(seed, 1))
	var tok [4 + 36 + 1]byte
	copy(tok[:], "ghp_")
	tok[len(tok)-1] = '\n'
	for range n {
		for i := 4; i < 40; i++ {
			tok[i] = alnum[r.IntN(len(alnum))]
		}
		w.Write(tok[:])
	}
}

// TestScanFindingsPerFile checks that a file of many secrets yields
// FindingsPerFile findings and one skipped entry counting the rest.
func TestScanFindingsPerFile(t *testing.T) {
	const tokens = 20_000
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeTokens(w, tokens, 1)
	w.Flush()
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := limits.With(context.Background(), limits.Limits{FindingsPerFile: 50})
	fsys := fstest.MapFS{"tokens.txt": {Data: []byte(b.String())}, "one.txt": {Data: []byte("t = " + fakeGitHubPAT + "\n")}}
	start := time.Now()
	out, skipped := s.Scan(ctx, fsys, []string{"tokens.txt", "one.txt"})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("scan took %v", d)
	}
	per := map[string]int{}
	for _, f := range out {
		per[f.Location.Path]++
	}
	if diff := cmp.Diff(map[string]int{"tokens.txt": 50, "one.txt": 1}, per); diff != "" {
		t.Errorf("findings per file (-want +got):\n%s", diff)
	}
	want := []finding.Skipped{{Path: "tokens.txt", Scanner: "secret",
		Reason: "budget: findings per file exceeded 50: 19950 more in this file not reported"}}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

// TestScanHugeTokenFile scans a 50 MB file of over a million secrets and
// checks that time and memory stay bounded: the findings are capped and the
// file is streamed, so memory does not grow with the number of secrets.
func TestScanHugeTokenFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MB file")
	}
	dir := t.TempDir()
	fh, err := os.Create(filepath.Join(dir, "tokens.txt"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(fh, 1<<20)
	const tokens = 1_250_000 // 41 bytes each: 51 MB
	writeTokens(w, tokens, 2)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// Over a million secrets take a few seconds of CPU; on a loaded machine
	// the deadline may come first. Either way the scan ends on time, the
	// findings are capped and the rest are counted.
	const perInput = 5 * time.Second
	start := time.Now()
	ctx := limits.With(context.Background(), limits.Limits{PerInput: perInput})
	out, skipped := s.Scan(ctx, os.DirFS(dir), []string{"tokens.txt"})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if elapsed > perInput+5*time.Second {
		t.Errorf("scan took %v with a deadline of %v", elapsed, perInput)
	}
	limit := limits.Default().FindingsPerFile
	if len(out) != limit {
		t.Errorf("%d findings, want %d", len(out), limit)
	}
	var reasons []string
	for _, sk := range skipped {
		if sk.Path != "tokens.txt" || sk.Scanner != "secret" {
			t.Errorf("skipped %v, want tokens.txt (secret)", sk)
		}
		reasons = append(reasons, sk.Reason)
	}
	want := []string{moreInFile(limit, tokens-limit, true)}
	if len(reasons) == 2 { // the deadline came first
		var more int
		if _, err := fmt.Sscanf(reasons[1], "budget: findings per file exceeded %d: %d more", new(int), &more); err != nil || more <= 0 ||
			reasons[1] != moreInFile(limit, more, false) {
			t.Errorf("reason %q does not count the secrets past the cap", reasons[1])
		}
		want = []string{fmt.Sprintf("%v; findings of the part read are reported", limits.Exceeded("scanning", perInput)), reasons[1]}
	}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("skipped reasons (-want +got):\n%s", diff)
	}
	// Sys is what the runtime took from the OS: it covers the peak heap.
	if grew := int64(after.Sys) - int64(before.Sys); grew > 64<<20 {
		t.Errorf("memory grew by %s scanning %d secrets", limits.Bytes(grew), tokens)
	}
	t.Logf("%d secrets: %v, memory %s → %s", tokens, elapsed, limits.Bytes(int64(before.Sys)), limits.Bytes(int64(after.Sys)))
}

// TestScanDeadline checks that a file that takes longer than PerInput is
// skipped with a budget reason after the findings of the part read.
func TestScanDeadline(t *testing.T) {
	d, err := NewDetector(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeTokens(w, 2000, 3)
	w.Flush()
	s := newScanner(d, 4096, 512)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = limits.With(ctx, limits.Limits{PerInput: time.Nanosecond})
	out, skipped := s.Scan(ctx, fstest.MapFS{"t.txt": {Data: []byte(b.String())}}, []string{"t.txt"})
	want := []finding.Skipped{{Path: "t.txt", Scanner: "secret",
		Reason: fmt.Sprintf("%v; findings of the part read are reported", limits.Exceeded("scanning", time.Nanosecond))}}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(out) > 100 {
		t.Errorf("%d findings after the deadline, want those of one window at most", len(out))
	}
}

// TestMessagesPrintable checks that a file name and a rule label with
// terminal control characters reach the message escaped.
func TestMessagesPrintable(t *testing.T) {
	d, err := NewDetector(Options{})
	if err != nil {
		t.Fatal(err)
	}
	name := "evil\x1b[2J\u202e\u009b.txt"
	ms := d.ScanFile(name, []byte("t = "+fakeGitHubPAT+"\n"))
	if len(ms) != 1 {
		t.Fatalf("%d matches, want 1", len(ms))
	}
	ms[0].Label += "\x07"
	f := d.Finding(ms[0], finding.Resource{Kind: "file", Name: name}, finding.Location{Path: name}, name)
	if strings.IndexFunc(f.Message, source.UnsafeRune) >= 0 {
		t.Errorf("message %q holds control characters", f.Message)
	}
	if !strings.Contains(f.Message, `evil\x1b[2J\u202e\x9b.txt`) {
		t.Errorf("message %q does not show the escaped name", f.Message)
	}
	if r := Redact([]byte("\u009b31m" + fakeGitHubPAT)); strings.IndexFunc(r, source.UnsafeRune) >= 0 {
		t.Errorf("Redact kept a control character: %q", r)
	}
}
