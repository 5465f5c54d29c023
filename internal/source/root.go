package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is returned when a scanner asks for a FIFO, socket, device
// or other special file: opening one could block forever or read a device.
var ErrNotRegular = errors.New("not a regular file")

// Root is a scan root confined with [os.Root]: every path, including
// symlinks in any of its components, resolves inside the directory, and
// only regular files and directories are opened. Use [Root.FS] as the
// fs.FS handed to scanners; every loader that follows references between
// files (Kustomize bases, Terraform modules, requirements includes) reads
// through it and so cannot leave the root.
type Root struct {
	root *os.Root
}

// OpenRoot opens dir as a confined scan root. Close it when the scan ends.
func OpenRoot(dir string) (*Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening scan root %q: %w", dir, err)
	}
	return &Root{root: r}, nil
}

// Close releases the root.
func (r *Root) Close() error { return r.root.Close() }

// FS returns the root as an fs.FS that refuses special files and paths
// leaving the root. It implements fs.StatFS, fs.ReadDirFS, fs.ReadFileFS
// and fs.ReadLinkFS.
func (r *Root) FS() fs.FS { return confined{r.root.FS().(rootFS), r.root} }

// rootFS is what os.Root.FS returns.
type rootFS interface {
	fs.StatFS
	fs.ReadDirFS
	fs.ReadFileFS
	fs.ReadLinkFS
}

type confined struct {
	rootFS
	root *os.Root
}

// Open opens name without blocking (a FIFO would otherwise wait for a
// writer) and refuses anything but regular files and directories.
func (c confined) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := c.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if m := st.Mode(); !m.IsRegular() && !m.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, SpecialKind(m))}
	}
	return f, nil
}

// ReadFile reads a regular file through [confined.Open].
func (c confined) ReadFile(name string) ([]byte, error) {
	return fs.ReadFile(openOnly{c}, name)
}

// openOnly hides confined's ReadFile so that fs.ReadFile uses Open.
type openOnly struct{ c confined }

func (o openOnly) Open(name string) (fs.File, error) { return o.c.Open(name) }
