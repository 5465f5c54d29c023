package image

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// maxReadBack caps a file that was not kept and is read back from its
// layer on demand: it is read whole into memory.
const maxReadBack = 64 << 20

// maxPathBytes is Linux's PATH_MAX: no runtime can unpack a longer name,
// and refusing them bounds the depth of the tree.
const maxPathBytes = 4096

// maxSymlinkHops bounds symlink resolution, as Linux does (ELOOP after 40).
const maxSymlinkHops = 40

// errSymlinkLoop is returned when resolving a path needs more than
// maxSymlinkHops symlinks.
var errSymlinkLoop = errors.New("too many levels of symbolic links")

// View is the read-only merged file system of an image: every layer applied
// in order, whiteouts honoured. It implements fs.FS, fs.ReadDirFS,
// fs.StatFS and fs.ReadLinkFS. Symlinks are resolved inside the image, never
// on the host. A file's content is kept in memory only when the walker was
// asked to keep it; other files are read back from their layer on demand.
type View struct {
	root   *node
	layers []Layer
	// Removed lists the files and directories that a later layer deleted
	// (whiteouts), so scanners can tell what is hidden in lower layers.
	removed []Removed
	limits  Limits
	// spool holds the content of large kept files.
	spool *spool
}

// Close releases the disk space that large kept files use. The view can
// no longer read them afterwards.
func (v *View) Close() error {
	if v.spool == nil {
		return nil
	}
	return v.spool.close()
}

// Removed is a path that one layer added and a later layer deleted. Its
// bytes are still in the image, "hidden in layers".
type Removed struct {
	Path      string `json:"path"`
	AddedIn   int    `json:"added_in"`
	RemovedIn int    `json:"removed_in"`
}

type node struct {
	name    string
	mode    fs.FileMode
	size    int64
	modTime time.Time
	uid     int
	gid     int
	link    string // symlink target
	layer   int    // index of the layer that added or last changed it
	data    []byte // content, when kept in memory
	kept    bool
	// spooled is set when the kept content is in the view's spool, at
	// spoolOff.
	spooled  bool
	spoolOff int64
	ref      entryRef // where to read the content back from
	kids     map[string]*node
}

// entryRef locates a regular file's bytes: the seq-th tar entry of a layer.
type entryRef struct {
	layer int
	seq   int
	valid bool
}

func newDir(name string, layer int) *node {
	return &node{name: name, mode: fs.ModeDir | 0o755, layer: layer, kids: map[string]*node{}}
}

// FileInfo is what the view knows about one path; Sys returns it too.
type FileInfo struct {
	// Path is slash-separated and relative to the image root.
	Path string
	Mode fs.FileMode
	Size int64
	UID  int
	GID  int
	// Link is a symlink's target.
	Link string
	// Layer is the index of the layer that added or last changed the path.
	Layer int
}

type info struct {
	n *node
	p string
}

func (i info) Name() string       { return i.n.name }
func (i info) Size() int64        { return i.n.size }
func (i info) Mode() fs.FileMode  { return i.n.mode }
func (i info) ModTime() time.Time { return i.n.modTime }
func (i info) IsDir() bool        { return i.n.mode.IsDir() }
func (i info) Sys() any {
	return &FileInfo{Path: i.p, Mode: i.n.mode, Size: i.n.size, UID: i.n.uid, GID: i.n.gid, Link: i.n.link, Layer: i.n.layer}
}
func (i info) Type() fs.FileMode          { return i.n.mode.Type() }
func (i info) Info() (fs.FileInfo, error) { return i, nil }

// Layers returns the layers the view was built from.
func (v *View) Layers() []Layer { return v.layers }

// Removed returns the paths deleted by a later layer, in layer order.
func (v *View) Removed() []Removed { return v.removed }

// resolve walks name from the root. Intermediate symlinks are always
// followed; the last element is followed when follow is set. It returns the
// node and its resolved path.
func (v *View) resolve(name string, follow bool) (*node, string, error) {
	hops := 0
	return v.walk(v.root, "", name, follow, &hops)
}

func (v *View) walk(dir *node, dirPath, name string, follow bool, hops *int) (*node, string, error) {
	cur, curPath := dir, dirPath
	parts := splitPath(name)
	for i, part := range parts {
		if part == ".." {
			if curPath != "" {
				// Re-resolve the parent from the root: ".." of a
				// resolved path is its lexical parent.
				curPath = parentOf(curPath)
				n, _, err := v.walk(v.root, "", curPath, true, hops)
				if err != nil {
					return nil, "", err
				}
				cur = n
			}
			continue
		}
		if !cur.mode.IsDir() {
			return nil, "", fs.ErrNotExist
		}
		next, ok := cur.kids[part]
		if !ok {
			return nil, "", fs.ErrNotExist
		}
		last := i == len(parts)-1
		if next.mode&fs.ModeSymlink != 0 && (!last || follow) {
			*hops++
			if *hops > maxSymlinkHops {
				return nil, "", errSymlinkLoop
			}
			base, basePath := cur, curPath
			target := next.link
			if strings.HasPrefix(target, "/") {
				base, basePath = v.root, ""
			}
			n, p, err := v.walk(base, basePath, target, true, hops)
			if err != nil {
				return nil, "", err
			}
			cur, curPath = n, p
			continue
		}
		cur, curPath = next, joinPath(curPath, part)
	}
	return cur, curPath, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

func (v *View) lookup(op, name string, follow bool) (*node, string, error) {
	if !fs.ValidPath(name) {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n, p, err := v.resolve(name, follow)
	if err != nil {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	return n, p, nil
}

// Open opens a file or directory, following symlinks inside the image.
func (v *View) Open(name string) (fs.File, error) {
	n, p, err := v.lookup("open", name, true)
	if err != nil {
		return nil, err
	}
	if n.mode.IsDir() {
		return &dirFile{v: v, n: n, p: p}, nil
	}
	return &file{v: v, n: n, p: p}, nil
}

// Stat returns the file info of name, following symlinks.
func (v *View) Stat(name string) (fs.FileInfo, error) {
	n, p, err := v.lookup("stat", name, true)
	if err != nil {
		return nil, err
	}
	return info{n, p}, nil
}

// Lstat returns the file info of name without following a final symlink.
func (v *View) Lstat(name string) (fs.FileInfo, error) {
	n, p, err := v.lookup("lstat", name, false)
	if err != nil {
		return nil, err
	}
	return info{n, p}, nil
}

// ReadLink returns a symlink's target.
func (v *View) ReadLink(name string) (string, error) {
	n, _, err := v.lookup("readlink", name, false)
	if err != nil {
		return "", err
	}
	if n.mode&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return n.link, nil
}

// ReadDir lists a directory sorted by name.
func (v *View) ReadDir(name string) ([]fs.DirEntry, error) {
	n, p, err := v.lookup("readdir", name, true)
	if err != nil {
		return nil, err
	}
	if !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return entries(n, p), nil
}

func entries(n *node, p string) []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(n.kids))
	for _, k := range n.kids {
		out = append(out, info{k, joinPath(p, k.name)})
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

// Info returns what the view knows about name without following a final
// symlink, or false when it does not exist.
func (v *View) Info(name string) (FileInfo, bool) {
	n, p, err := v.resolve(name, false)
	if err != nil {
		return FileInfo{}, false
	}
	return *info{n, p}.Sys().(*FileInfo), true
}

// Walk calls fn for every path in the view in lexical order, without
// following symlinks.
func (v *View) Walk(fn func(FileInfo) error) error {
	return v.walkNodes(func(i info) error { return fn(*i.Sys().(*FileInfo)) })
}

// walkNodes calls fn for every node of the view with its path, in lexical
// order, without following symlinks.
func (v *View) walkNodes(fn func(info) error) error {
	return walkNode(v.root, "", fn)
}

func walkNode(n *node, p string, fn func(info) error) error {
	for _, e := range entries(n, p) {
		i := e.(info)
		if err := fn(i); err != nil {
			return err
		}
		if i.n.mode.IsDir() {
			if err := walkNode(i.n, i.p, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// file is an open regular file (or device, which reads as empty).
type file struct {
	v      *View
	n      *node
	p      string
	r      contentReader
	closed bool
}

// contentReader is what a file reads from: its bytes in memory or a
// section of the spool.
type contentReader interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

func (f *file) Stat() (fs.FileInfo, error) { return info{f.n, f.p}, nil }

func (f *file) load() error {
	if f.closed {
		return fs.ErrClosed
	}
	if f.r != nil {
		return nil
	}
	if f.n.spooled {
		if f.v.spool == nil || f.v.spool.f == nil {
			return &fs.PathError{Op: "read", Path: f.p, Err: fs.ErrClosed}
		}
		f.r = f.v.spool.section(f.n.spoolOff, f.n.size)
		return nil
	}
	data, err := f.v.content(f.n)
	if err != nil {
		return &fs.PathError{Op: "read", Path: f.p, Err: err}
	}
	f.r = bytes.NewReader(data)
	return nil
}

func (f *file) Read(b []byte) (int, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.Read(b)
}

func (f *file) ReadAt(b []byte, off int64) (int, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.ReadAt(b, off)
}

func (f *file) Seek(off int64, whence int) (int64, error) {
	if err := f.load(); err != nil {
		return 0, err
	}
	return f.r.Seek(off, whence)
}

func (f *file) Close() error { f.closed = true; f.r = nil; return nil }

// content returns a file's bytes: kept ones directly, others read back from
// their layer (one pass over the layer's stream, up to the entry).
func (v *View) content(n *node) ([]byte, error) {
	if !n.mode.IsRegular() {
		return nil, nil
	}
	if n.kept {
		return n.data, nil
	}
	if !n.ref.valid {
		return nil, errors.New("content not available")
	}
	if limit := min(v.limits.MaxFileSize, maxReadBack); n.size > limit {
		return nil, fmtTooLarge(n.size, limit)
	}
	l := v.layers[n.ref.layer]
	rc, err := l.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readEntry(rc, n.ref.seq, n.size)
}

type dirFile struct {
	v      *View
	n      *node
	p      string
	ents   []fs.DirEntry
	offset int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return info{d.n, d.p}, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.p, Err: errors.New("is a directory")}
}
func (d *dirFile) Close() error { return nil }

func (d *dirFile) ReadDir(count int) ([]fs.DirEntry, error) {
	if d.ents == nil {
		d.ents = entries(d.n, d.p)
	}
	rest := d.ents[d.offset:]
	if count <= 0 {
		d.offset = len(d.ents)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	k := min(count, len(rest))
	d.offset += k
	return rest[:k], nil
}

var (
	_ fs.ReadDirFS  = (*View)(nil)
	_ fs.StatFS     = (*View)(nil)
	_ fs.ReadLinkFS = (*View)(nil)
	_ io.ReaderAt   = (*file)(nil)
)

// cleanName turns a tar entry name into a path relative to the root, or
// reports why it is refused.
func cleanName(name string) (string, error) {
	if len(name) > maxPathBytes {
		return "", fmt.Errorf("name of %d bytes, longer than PATH_MAX (%d)", len(name), maxPathBytes)
	}
	if strings.HasPrefix(name, "/") {
		return "", errors.New("absolute path")
	}
	if strings.ContainsRune(name, 0) {
		return "", errors.New("NUL byte in name")
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", errors.New("path escapes the root")
	}
	if c == "." {
		return "", nil
	}
	return c, nil
}
