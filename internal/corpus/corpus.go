// Package corpus writes fourc's hostile corpus: broken and malicious
// inputs for every scanner, generated on the fly into a temporary
// directory (nothing large is committed). It is used only by tests, which
// run the real fourc binary on each case and assert bounded time and
// memory, no panic, and a skipped entry naming the input.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Case is one hostile input and the fourc command that reads it.
type Case struct {
	// Name is stable; tests refer to cases by it.
	Name string
	// Owner names the part of fourc that must bound this input.
	Owner string
	// Write creates the input under dir (the working directory of the
	// command) and returns the command line after "fourc". It may start
	// servers on 127.0.0.1, stopped by tb.Cleanup. Commands that need a
	// vulnerability database use $FOURC_DB, which the test sets.
	Write func(tb testing.TB, dir string) Run
}

// Run is what a test runs for a case and what it expects.
type Run struct {
	// Args is the fourc command line, relative to the case directory.
	Args []string
	// Skipped is a substring of the path (or reason) of the skipped
	// entry the JSON report must hold; empty when the case expects the
	// input to be read fine or the run to fail as a whole (exit 2).
	Skipped string
	// Forbidden is a string that must not appear in the report: content
	// that only an escape from the scan root could have read.
	Forbidden string
	// Outside is a directory outside the case directory that the run
	// must leave untouched (symlink and path-traversal targets).
	Outside string
	// Env is added to the command's environment.
	Env []string
	// MaxTime is how long the case may take when it holds several scan
	// units that each spend their whole per-input budget; zero means the
	// test's default.
	MaxTime time.Duration
}

// Cases returns every case, in a stable order.
func Cases() []Case {
	var cs []Case
	cs = append(cs, helmCases()...)
	cs = append(cs, kustomizeCases()...)
	cs = append(cs, terraformCases()...)
	cs = append(cs, dockerfileCases()...)
	cs = append(cs, fileCases()...)
	cs = append(cs, imageCases()...)
	cs = append(cs, escapeCases()...)
	cs = append(cs, serverCases()...)
	return cs
}

// write creates name under dir with content, making parent directories.
func write(tb testing.TB, dir, name string, content []byte) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// writeWith creates name under dir and fills it with fill, streaming.
func writeWith(tb testing.TB, dir, name string, fill func(f *os.File) error) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	if err := fill(f); err != nil {
		f.Close()
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
