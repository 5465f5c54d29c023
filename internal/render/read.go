package render

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
)

// readFile reads name, refusing more than limit bytes and anything that is
// not a regular file.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if fi, err := fs.Lstat(fsys, name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s: symbolic link", name) // could leave the scan root
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes, %d left)", name, ErrTooLarge, st.Size(), limit)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if n > limit {
		return nil, fmt.Errorf("%s: %w (over %d bytes)", name, ErrTooLarge, limit)
	}
	return buf.Bytes(), nil
}
