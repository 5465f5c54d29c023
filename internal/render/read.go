package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/fourc-dev/fourc/internal/source"
)

// maxLinkHops bounds the symbolic links confine follows in one path.
const maxLinkHops = 40

// errOutside is returned for a path whose symbolic links lead out of the
// scan root.
var errOutside = errors.New("symbolic link leads out of the scan root")

// confine checks every component of name, not only the last: a symbolic
// link (to a file or to a directory in the middle of the path) must
// resolve inside the scan root. A confined scan root (source.Root) already
// guarantees it; this keeps any other fs.FS (os.DirFS follows links
// anywhere) from reading outside. File systems without links pass.
func confine(fsys fs.FS, name string) error {
	if _, ok := fsys.(fs.ReadLinkFS); !ok {
		return nil
	}
	parts := strings.Split(name, "/")
	cur, hops := "", 0
	for i := 0; i < len(parts); i++ {
		if parts[i] == "" || parts[i] == "." {
			continue
		}
		next := path.Join(cur, parts[i])
		if next == ".." || strings.HasPrefix(next, "../") {
			return &fs.PathError{Op: "open", Path: name, Err: errOutside}
		}
		fi, err := fs.Lstat(fsys, next)
		if err != nil {
			return nil // opening reports it
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxLinkHops {
			return &fs.PathError{Op: "open", Path: name, Err: errors.New("too many symbolic links")}
		}
		target, err := fs.ReadLink(fsys, next)
		if err != nil {
			return &fs.PathError{Op: "open", Path: name, Err: err}
		}
		if path.IsAbs(target) {
			return &fs.PathError{Op: "open", Path: name, Err: errOutside}
		}
		t := path.Join(cur, target)
		if t == ".." || strings.HasPrefix(t, "../") {
			return &fs.PathError{Op: "open", Path: name, Err: errOutside}
		}
		parts = append(strings.Split(t, "/"), parts[i+1:]...)
		cur, i = "", -1
	}
	return nil
}

// readFile reads name, refusing more than limit bytes, anything that is
// not a regular file (a FIFO would block) and paths whose links leave the
// scan root.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if err := confine(fsys, name); err != nil {
		return nil, err
	}
	if fi, err := fs.Stat(fsys, name); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", name, source.ErrNotRegular)
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
		return nil, fmt.Errorf("%s: %w", name, source.ErrNotRegular)
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
