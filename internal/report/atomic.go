package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file so that readers see either its old content
// or the complete new one, never a part: write receives a temporary file in
// the same directory, which is synced to disk and renamed over name only
// when write and every file operation succeed. On any error the temporary
// file is removed and an existing name is left untouched. The new file gets
// mode perm exactly (the umask is not applied). If name is a symbolic link,
// the link itself is replaced.
func WriteFileAtomic(name string, perm os.FileMode, write func(io.Writer) error) error {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	tmpName := tmp.Name()
	// Until the rename succeeds, any return (or a panic in write) removes
	// the temporary file.
	closed, renamed := false, false
	defer func() {
		if renamed {
			return
		}
		if !closed {
			tmp.Close()
		}
		os.Remove(tmpName)
	}()

	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %q: %w", name, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	if err := os.Rename(tmpName, name); err != nil {
		return fmt.Errorf("replacing %q: %w", name, err)
	}
	renamed = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the platform supports it.
// Failures are ignored: the file is in place either way, and some systems
// (Windows, some network file systems) cannot sync a directory at all.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
