package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// slowScanner sleeps on files named "slow*": politely (returning when its
// context is done) or stubbornly (ignoring it).
type slowScanner struct{ stubborn bool }

func (slowScanner) Name() string        { return "slow" }
func (slowScanner) Wants(p string) bool { return true }
func (s slowScanner) Scan(ctx context.Context, _ fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	if paths[0][:4] != "slow" {
		return []finding.Finding{{CheckID: "FC-T-001", Location: finding.Location{Path: paths[0]}}}, nil
	}
	if s.stubborn {
		time.Sleep(5 * time.Second)
		return nil, nil
	}
	<-ctx.Done()
	return nil, nil
}

func TestRunBudget(t *testing.T) {
	fsys := fstest.MapFS{"fast.txt": {Data: []byte("x")}, "slow.txt": {Data: []byte("x")}}
	ctx := limits.With(context.Background(), limits.Limits{PerInput: 100 * time.Millisecond})
	want := []finding.Skipped{{Path: "slow.txt", Scanner: "slow", Reason: "budget: scanning exceeded 100ms"}}
	for _, tc := range []struct {
		name     string
		stubborn bool
	}{{"observes its context", false}, {"ignores its context", true}} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Run(ctx, fsys, []Scanner{slowScanner{stubborn: tc.stubborn}}, Options{Grace: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("run took %v", d)
			}
			if diff := cmp.Diff(want, res.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if len(res.Findings) != 1 {
				t.Errorf("findings = %v, want the fast file's", res.Findings)
			}
		})
	}
}

func TestRunInterruptedDuringUnit(t *testing.T) {
	fsys := fstest.MapFS{"slow.txt": {Data: []byte("x")}}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Run(ctx, fsys, []Scanner{slowScanner{stubborn: true}}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("interrupted run took %v", d)
	}
}

func TestRunSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "kustomization.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("BAD"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "b.txt"), []byte("BAD"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	root, err := source.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	res, err := Run(context.Background(), root.FS(), []Scanner{lineScanner{name: "text", suffix: ".txt"}, lineScanner{name: "yaml", suffix: ".yaml"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []finding.Skipped{{Path: "kustomization.yaml", Scanner: "walk", Reason: "not a regular file (FIFO)"}}
	if diff := cmp.Diff(want, res.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(res.Findings) != 1 || res.Findings[0].Location.Path != "a.txt" {
		t.Errorf("findings = %v, want only a.txt", res.Findings)
	}
}
