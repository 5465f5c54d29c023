package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestRootConfinesAndRefusesSpecialFiles(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "overlay"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay", "ok.yaml"), []byte("inside"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A symlinked directory in the middle of a path, pointing outside.
	if err := os.Symlink(outside, filepath.Join(dir, "overlay", "ext")); err != nil {
		t.Fatal(err)
	}
	// A symlink inside the root is fine.
	if err := os.Symlink("ok.yaml", filepath.Join(dir, "overlay", "alias.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "kustomization.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fsys := r.FS()

	if b, err := fs.ReadFile(fsys, "overlay/alias.yaml"); err != nil || string(b) != "inside" {
		t.Errorf("symlink inside the root: %q, %v", b, err)
	}
	if _, err := fs.ReadFile(fsys, "overlay/ext/secret.yaml"); err == nil {
		t.Error("read a file outside the root through a symlinked directory")
	}
	done := make(chan error, 1)
	go func() { _, err := fs.ReadFile(fsys, "kustomization.yaml"); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO: err = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	if _, err := ReadFile(fsys, "kustomization.yaml", 0); !errors.Is(err, ErrNotRegular) {
		t.Errorf("source.ReadFile on a FIFO: %v", err)
	}
	if _, err := fsys.Open("../x"); err == nil {
		t.Error("opened a path with ..")
	}
	if _, ok := fsys.(fs.ReadLinkFS); !ok {
		t.Error("confined FS does not implement fs.ReadLinkFS")
	}
}
