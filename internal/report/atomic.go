package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file so that readers see either its old content
// or the complete new one, never a part: write receives a temporary file in
// the same directory, which is synced to disk and renamed over name only
// when write and every file operation succeed. On any error the temporary
// file is removed and an existing name is left untouched. A new file gets
// mode perm exactly (the umask is not applied); an existing regular file
// keeps its mode.
//
// Only a regular file or a new path is replaced. Anything else — a
// symbolic link (/dev/stdout is one), a FIFO, a device — is opened and
// written through, and nothing is replaced: renaming over /dev/null or
// over a link someone else owns would be worse than a torn write.
func WriteFileAtomic(name string, perm os.FileMode, write func(io.Writer) error) error {
	st, err := os.Lstat(name)
	switch {
	case err == nil && st.Mode().IsRegular():
		perm = st.Mode().Perm()
	case err == nil:
		return writeThrough(name, write)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("writing %q: %w", name, err)
	}
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

// writeThrough writes to an existing name that is not a regular file
// (truncating what a symlink points to, if that is a file).
func writeThrough(name string, write func(io.Writer) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %q: %w", name, err)
	}
	return nil
}
