//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package vulndb

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperImport is the child process of TestInterruptedImport: it
// imports the real Go records into $FOURC_TEST_DB until it is killed.
func TestHelperImport(t *testing.T) {
	path := os.Getenv("FOURC_TEST_DB")
	if path == "" {
		return
	}
	for {
		Import(context.Background(), path, os.Getenv("FOURC_TEST_SRC"), ImportOptions{})
	}
}

// TestInterruptedImport kills an import with SIGKILL while it writes its
// temporary database, and checks that the next run removes the file left
// behind, while a temporary file another process still holds is kept.
func TestInterruptedImport(t *testing.T) {
	src := realOSVDir(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "fourc.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperImport$")
	cmd.Env = append(os.Environ(), "FOURC_TEST_DB="+path, "FOURC_TEST_SRC="+src)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var left []string
	deadline := time.Now().Add(60 * time.Second)
	for len(left) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		left, _ = filepath.Glob(filepath.Join(dir, tempDBPattern))
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	left, _ = filepath.Glob(filepath.Join(dir, tempDBPattern))
	if len(left) == 0 {
		t.Fatal("the killed import left no temporary file to clean up")
	}

	// A temporary file of a live build, held by another process's lock.
	held := filepath.Join(dir, ".fourc-download-held.zip")
	os.WriteFile(held, []byte("in use"), 0o644)
	f, err := os.Open(held)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lockFile(f)
	// A file that only looks alike.
	other := filepath.Join(dir, ".fourc-db-notes.txt")
	os.WriteFile(other, nil, 0o644)

	old := time.Now().Add(-10 * time.Minute)
	for _, p := range append(left, held, other) {
		os.Chtimes(p, old, old)
	}
	// A fresh unlocked file: perhaps a build between creating and locking it.
	fresh := filepath.Join(dir, ".fourc-db-fresh.tmp")
	os.WriteFile(fresh, nil, 0o644)

	db, err := Open(path)
	if err == nil {
		db.Close()
	}
	var got []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".fourc-") {
			got = append(got, e.Name())
		}
	}
	want := []string{".fourc-db-fresh.tmp", ".fourc-db-notes.txt", ".fourc-download-held.zip"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after the next open, temporary files are %v, want %v (left by the killed import: %v)", got, want, left)
	}
}
