package engine

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/progress"
)

type recorder struct {
	mu     sync.Mutex
	events []progress.Event
}

func (r *recorder) Report(e progress.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// labelScanner says what it does in each unit, the way the Kubernetes
// scanner names the chart it renders, and tries to report on its own.
type labelScanner struct{}

func (labelScanner) Name() string                { return "label" }
func (labelScanner) Wants(p string) bool         { return strings.HasSuffix(p, ".yaml") }
func (labelScanner) Unit(p string) string        { return p[:strings.IndexByte(p, '/')] }
func (labelScanner) Describe(unit string) string { return "reading " + unit }
func (labelScanner) Scan(ctx context.Context, _ fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	progress.Label(ctx, "rendering Helm chart "+strings.Split(paths[0], "/")[0])
	progress.Report(ctx, progress.Event{Step: "rogue"})
	return nil, nil
}

func TestProgressEvents(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 150 {
		fsys[fmt.Sprintf("src/f%03d.txt", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	fsys["charts/Chart.yaml"] = &fstest.MapFile{Data: []byte("name: api")}
	fsys["infra/main.yaml"] = &fstest.MapFile{Data: []byte("a: b")}
	rec := &recorder{}
	ctx := progress.WithReporter(context.Background(), rec)
	res, err := Run(ctx, fsys, []Scanner{labelScanner{}, lineScanner{name: "plain", suffix: "f000.txt"}}, Options{Workers: 1, Step: "scan tree"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range rec.events {
		if e.Step != "scan tree" {
			t.Errorf("event of another step: %+v", e)
		}
		lines = append(lines, e.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"scan tree: 64 files found",
		"scan tree: 152 files found",
		"scan tree: 0/3 units · reading charts",
		"scan tree: 0/3 units · rendering Helm chart charts",
		"scan tree: 1/3 units · rendering Helm chart infra",
		"scan tree: 2/3 units · plain src/f000.txt",
		"scan tree: 3/3 units",
	} {
		if !strings.Contains(all, want+"\n") && !strings.HasSuffix(all, want) {
			t.Errorf("no line %q in\n%s", want, all)
		}
	}
	if last := rec.events[len(rec.events)-1]; last.Done != res.Units || last.Total != res.Units || last.Now != "" {
		t.Errorf("last event %v, want every unit done and none running", last)
	}
}

// TestProgressOldestUnit: with several units running, the line names the
// oldest and counts the others.
func TestProgressOldestUnit(t *testing.T) {
	rec := &recorder{}
	tr := newTracker(progress.WithReporter(context.Background(), rec), "")
	tr.planned(3)
	s := labelScanner{}
	for i, u := range []string{"a", "b", "c"} {
		tr.unitContext(context.Background(), i, job{index: i, scanner: s, unit: u})
	}
	tr.finished(0)
	if got, want := rec.events[len(rec.events)-1].String(), "scan: 1/3 units · reading b (and 1 more)"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	tr.label(0, "late label of a finished unit")
	if got := rec.events[len(rec.events)-1].String(); strings.Contains(got, "late") {
		t.Errorf("a finished unit relabelled the line: %q", got)
	}
}

// TestProgressCancelledWalk: the walk stops when the context ends.
func TestProgressCancelledWalk(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 200 {
		fsys[fmt.Sprintf("f%03d.txt", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, fsys, []Scanner{lineScanner{name: "plain", suffix: ".txt"}}, Options{}); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err = %v, want an interrupted scan", err)
	}
}
