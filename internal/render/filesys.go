package render

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// errReadOnly is returned by every method of rootFS that would write.
var errReadOnly = errors.New("read-only file system")

// rootFS presents the scan root's fs.FS to Kustomize as a read-only
// filesys.FileSystem rooted at "/": "/a/b" is "a/b" of the scan root, and
// ".." cannot climb above it. It reads through a budget, records what it
// read, and can replace the contents of chosen files.
type rootFS struct {
	fsys      fs.FS
	budget    *budget
	m         *meter
	overrides map[string][]byte // scan-root paths → contents
	cache     map[string][]byte // files read, by scan-root path
	read      map[string]bool
}

func newRootFS(fsys fs.FS, m *meter, maxInput int64) *rootFS {
	return &rootFS{
		fsys: fsys, budget: &budget{limit: maxInput}, m: m,
		overrides: map[string][]byte{}, cache: map[string][]byte{}, read: map[string]bool{},
	}
}

// stat returns the file info of a scan-root path, refusing a path through
// a symbolic link that leads out of the root, and a stopped render.
func (r *rootFS) stat(rel string) (fs.FileInfo, error) {
	if err := r.m.check(); err != nil {
		return nil, err
	}
	if err := confine(r.fsys, rel); err != nil {
		return nil, err
	}
	return fs.Stat(r.fsys, rel)
}

var _ filesys.FileSystem = (*rootFS)(nil)

// rel turns a Kustomize path (absolute, or relative to "/") into a scan
// root path.
func (r *rootFS) rel(p string) string {
	p = filepath.ToSlash(p)
	c := path.Clean("/" + p)
	if c == "/" {
		return "."
	}
	return strings.TrimPrefix(c, "/")
}

func (r *rootFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (r *rootFS) Mkdir(string) error                  { return errReadOnly }
func (r *rootFS) MkdirAll(string) error               { return errReadOnly }
func (r *rootFS) RemoveAll(string) error              { return errReadOnly }
func (r *rootFS) WriteFile(string, []byte) error      { return errReadOnly }

func (r *rootFS) Open(p string) (filesys.File, error) {
	data, err := r.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), name: path.Base(r.rel(p)), size: int64(len(data))}, nil
}

func (r *rootFS) IsDir(p string) bool {
	fi, err := r.stat(r.rel(p))
	return err == nil && fi.IsDir()
}

func (r *rootFS) ReadDir(p string) ([]string, error) {
	if _, err := r.stat(r.rel(p)); err != nil {
		return nil, err
	}
	ents, err := fs.ReadDir(r.fsys, r.rel(p))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names, nil
}

func (r *rootFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	rel := r.rel(p)
	fi, err := r.stat(rel)
	if err != nil {
		return "", "", err
	}
	abs := "/" + rel
	if rel == "." {
		abs = "/"
	}
	if fi.IsDir() {
		return filesys.ConfirmedDir(abs), "", nil
	}
	return filesys.ConfirmedDir(path.Dir(abs)), path.Base(abs), nil
}

func (r *rootFS) Exists(p string) bool {
	_, err := r.stat(r.rel(p))
	return err == nil
}

func (r *rootFS) Glob(pattern string) ([]string, error) {
	if err := r.m.check(); err != nil {
		return nil, err
	}
	got, err := fs.Glob(r.fsys, r.rel(pattern))
	if err != nil {
		return nil, err
	}
	for i, g := range got {
		got[i] = "/" + g
	}
	sort.Strings(got)
	return got, nil
}

func (r *rootFS) ReadFile(p string) ([]byte, error) {
	rel := r.rel(p)
	if err := r.m.check(); err != nil {
		return nil, err
	}
	if data, ok := r.overrides[rel]; ok {
		r.read[rel] = true
		return data, nil
	}
	if data, ok := r.cache[rel]; ok {
		return data, nil
	}
	data, err := r.budget.read(r.fsys, rel)
	if err != nil {
		return nil, err
	}
	r.cache[rel] = data
	r.read[rel] = true
	return data, nil
}

func (r *rootFS) Walk(p string, walkFn filepath.WalkFunc) error {
	if _, err := r.stat(r.rel(p)); err != nil {
		return err
	}
	return fs.WalkDir(r.fsys, r.rel(p), func(q string, d fs.DirEntry, err error) error {
		abs := "/" + q
		if q == "." {
			abs = "/"
		}
		if err != nil {
			return walkFn(abs, nil, err)
		}
		fi, err := d.Info()
		return walkFn(abs, fi, err)
	})
}

// memFile is a read-only filesys.File over bytes.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Write([]byte) (int, error) { return 0, errReadOnly }
func (f *memFile) Close() error              { return nil }
func (f *memFile) Stat() (fs.FileInfo, error) {
	return fileInfo{name: f.name, size: f.size}, nil
}

type fileInfo struct {
	name string
	size int64
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return 0o444 }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }
