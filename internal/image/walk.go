package image

import (
	"archive/tar"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// scannerName is the Skipped.Scanner of everything this package reports.
const scannerName = "image"

// Layer is one file-system layer as the walker reads it.
type Layer struct {
	// Index is the layer's position, 0 for the base.
	Index int `json:"index"`
	// Digest is the compressed blob's digest, DiffID the uncompressed one.
	Digest string `json:"digest,omitempty"`
	DiffID string `json:"diff_id,omitempty"`
	// Size is the compressed size in bytes, when known.
	Size int64 `json:"size,omitempty"`
	// CreatedBy is the history entry that made the layer (the Dockerfile
	// instruction, as the builder recorded it).
	CreatedBy string `json:"created_by,omitempty"`
	// Instruction is the Dockerfile instruction (file:line) that made the
	// layer, when the scan was given the Dockerfile.
	Instruction string `json:"instruction,omitempty"`
	// Files counts the tar entries read from the layer.
	Files int `json:"files"`
	// Open returns the layer's uncompressed tar stream.
	Open func() (io.ReadCloser, error) `json:"-"`
}

// Name is how messages name the layer: "layer 2 (sha256:0123456789ab)".
func (l Layer) Name() string {
	d := l.DiffID
	if d == "" {
		d = l.Digest
	}
	if alg, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		d = alg + ":" + hex[:12]
	}
	if d == "" {
		return fmt.Sprintf("layer %d", l.Index)
	}
	return fmt.Sprintf("layer %d (%s)", l.Index, d)
}

// Limits bound what hostile layers can cost. Zero fields take the defaults
// of [DefaultLimits].
type Limits struct {
	// MaxLayerBytes caps the expanded size of one layer; a layer that
	// expands past it (a decompression bomb) is read no further.
	MaxLayerBytes int64
	// MaxEntries caps the tar entries of one layer.
	MaxEntries int
	// MaxFileSize is the largest single file whose content is read.
	MaxFileSize int64
	// MaxKept caps the bytes of file content held in memory at once.
	MaxKept int64
}

// DefaultLimits are generous for real images and stop bombs early enough.
func DefaultLimits() Limits {
	return Limits{MaxLayerBytes: 16 << 30, MaxEntries: 1 << 20, MaxFileSize: 512 << 20, MaxKept: 2 << 30}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxLayerBytes <= 0 {
		l.MaxLayerBytes = d.MaxLayerBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxKept <= 0 {
		l.MaxKept = d.MaxKept
	}
	return l
}

// Entry is one regular file of one layer, as [WalkOptions.Inspect] sees it.
type Entry struct {
	Layer int
	Path  string
	Mode  fs.FileMode
	Size  int64
	// Truncated is set when Inspect got only the first InspectMax bytes.
	Truncated bool
}

// WalkOptions tune [BuildView].
type WalkOptions struct {
	Limits Limits
	// Keep reports whether a regular file's content stays in memory for
	// the scanners that read the merged view. The optional check sees the
	// content and may still refuse it (a Go binary is recognised by its
	// build information, not its name).
	Keep func(p string, fi fs.FileInfo) (keep bool, check func([]byte) bool)
	// Inspect sees every regular file of every layer that InspectWants
	// selects, including files a later layer deletes, with up to
	// InspectMax bytes of content.
	Inspect      func(e Entry, data []byte)
	InspectWants func(p string, fi fs.FileInfo) bool
	InspectMax   int64
}

// errLayerTooLarge stops a layer that expands past its cap.
var errLayerTooLarge = errors.New("expanded size over the limit (decompression bomb?)")

// BuildView reads the layers in order and returns their merged view. A
// layer or entry it cannot use is reported in the skipped list with a
// one-line reason naming the layer and file; the rest is still read.
func BuildView(ctx context.Context, layers []Layer, opts WalkOptions) (*View, []finding.Skipped, error) {
	opts.Limits = opts.Limits.withDefaults()
	if opts.InspectMax <= 0 {
		opts.InspectMax = 1 << 20
	}
	w := &walker{v: &View{root: newDir("", 0), layers: layers, limits: opts.Limits}, opts: opts}
	for i := range layers {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		w.v.layers[i].Index = i
		if err := w.layer(ctx, i); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			w.skip(layers[i].Name(), err.Error())
		}
	}
	slices.SortStableFunc(w.v.removed, func(a, b Removed) int {
		return cmp.Or(cmp.Compare(a.RemovedIn, b.RemovedIn), cmp.Compare(a.Path, b.Path))
	})
	return w.v, w.skipped, nil
}

type walker struct {
	v       *View
	opts    WalkOptions
	skipped []finding.Skipped
	kept    int64
	scratch []byte
}

func (w *walker) skip(p, reason string) {
	w.skipped = append(w.skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: reason})
}

func (w *walker) skipEntry(li int, name, reason string) {
	w.skip(name, "in "+w.v.layers[li].Name()+": "+reason)
}

type budgetReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, errLayerTooLarge
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, errLayerTooLarge
	}
	return n, err
}

func (w *walker) layer(ctx context.Context, li int) error {
	l := &w.v.layers[li]
	if l.Open == nil {
		return errors.New("layer has no content")
	}
	rc, err := l.Open()
	if err != nil {
		return fmt.Errorf("opening layer: %w", err)
	}
	defer rc.Close()
	tr := tar.NewReader(&budgetReader{r: rc, limit: w.opts.Limits.MaxLayerBytes})
	for seq := 0; ; seq++ {
		if seq%512 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar after %d entries: %w", seq, err)
		}
		if seq >= w.opts.Limits.MaxEntries {
			return fmt.Errorf("more than %d entries; the rest is not read", w.opts.Limits.MaxEntries)
		}
		l.Files++
		if err := w.entry(li, seq, hdr, tr); err != nil {
			return fmt.Errorf("reading %q: %w", hdr.Name, err)
		}
	}
}

func (w *walker) entry(li, seq int, hdr *tar.Header, r io.Reader) error {
	name, err := cleanName(hdr.Name)
	if err != nil {
		w.skipEntry(li, hdr.Name, err.Error())
		return nil
	}
	if name == "" {
		return nil
	}
	dir, base := parentOf(name), path.Base(name)
	if base == ".wh..wh..opq" {
		w.opaque(li, dir, hdr.Name)
		return nil
	}
	if strings.HasPrefix(base, ".wh.") {
		w.whiteout(li, dir, base[len(".wh."):], hdr.Name)
		return nil
	}
	parent, parentPath, err := w.mkdirAll(li, dir)
	if err != nil {
		w.skipEntry(li, hdr.Name, err.Error())
		return nil
	}
	fi := hdr.FileInfo()
	n := &node{name: base, mode: fi.Mode(), modTime: hdr.ModTime, uid: hdr.Uid, gid: hdr.Gid, layer: li}
	full := joinPath(parentPath, base)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if old, ok := parent.kids[base]; ok && old.mode.IsDir() {
			old.mode, old.modTime, old.uid, old.gid, old.layer = n.mode, n.modTime, n.uid, n.gid, li
			return nil
		}
		n.kids = map[string]*node{}
	case tar.TypeReg, tar.TypeRegA:
		n.size = hdr.Size
		n.ref = entryRef{layer: li, seq: seq, valid: true}
		if err := w.content(li, full, fi, n, r); err != nil {
			return err
		}
	case tar.TypeSymlink:
		if hdr.Linkname == "" {
			w.skipEntry(li, hdr.Name, "symlink with an empty target")
			return nil
		}
		n.link = hdr.Linkname
	case tar.TypeLink:
		target, err := cleanName(hdr.Linkname)
		if err != nil || target == "" {
			w.skipEntry(li, hdr.Name, fmt.Sprintf("hard link to %q refused", hdr.Linkname))
			return nil
		}
		t, _, err := w.v.resolve(target, false)
		if err != nil || !t.mode.IsRegular() {
			w.skipEntry(li, hdr.Name, fmt.Sprintf("hard link to missing or non-regular file %q", hdr.Linkname))
			return nil
		}
		n.mode, n.size, n.data, n.kept, n.ref = t.mode, t.size, t.data, t.kept, t.ref
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
	default:
		return nil // PAX/GNU headers are handled by archive/tar; others carry no file
	}
	if old, ok := parent.kids[base]; ok {
		w.release(old)
	}
	parent.kids[base] = n
	return nil
}

// content reads a regular file's bytes when a scanner wants them.
func (w *walker) content(li int, p string, fi fs.FileInfo, n *node, r io.Reader) error {
	var keep bool
	var check func([]byte) bool
	if w.opts.Keep != nil {
		keep, check = w.opts.Keep(p, fi)
	}
	inspect := w.opts.Inspect != nil && (w.opts.InspectWants == nil || w.opts.InspectWants(p, fi))
	if keep && n.size > w.opts.Limits.MaxFileSize {
		w.skipEntry(li, p, fmt.Sprintf("%d bytes, over the %d-byte limit: not scanned", n.size, w.opts.Limits.MaxFileSize))
		keep = false
	}
	if !keep && !inspect {
		return nil
	}
	want := n.size
	if !keep {
		want = min(want, w.opts.InspectMax)
	}
	if int64(cap(w.scratch)) < want {
		w.scratch = make([]byte, want)
	}
	buf := w.scratch[:want]
	if _, err := io.ReadFull(r, buf); err != nil {
		return err
	}
	if inspect {
		w.opts.Inspect(Entry{Layer: li, Path: p, Mode: n.mode, Size: n.size, Truncated: want < n.size}, buf[:min(want, w.opts.InspectMax)])
	}
	if keep && (check == nil || check(buf)) {
		if w.kept+want > w.opts.Limits.MaxKept {
			w.skipEntry(li, p, "memory budget for file contents used up: not scanned")
			return nil
		}
		n.data = append([]byte(nil), buf...)
		n.kept = true
		w.kept += want
	}
	return nil
}

// release forgets the kept bytes of a replaced or deleted subtree.
func (w *walker) release(n *node) {
	if n.kept {
		w.kept -= int64(len(n.data))
	}
	for _, k := range n.kids {
		w.release(k)
	}
}

// mkdirAll resolves dir, following symlinks inside the image, and creates
// the directories that are missing. A non-directory in the way is replaced.
func (w *walker) mkdirAll(li int, dir string) (*node, string, error) {
	cur, curPath := w.v.root, ""
	for _, part := range splitPath(dir) {
		next, ok := cur.kids[part]
		switch {
		case !ok:
			next = newDir(part, li)
			cur.kids[part] = next
		case next.mode&fs.ModeSymlink != 0:
			n, p, err := w.v.resolve(joinPath(curPath, part), true)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, "", fmt.Errorf("parent %q is a dangling symlink", joinPath(curPath, part))
			}
			if err != nil {
				return nil, "", fmt.Errorf("resolving %q: %w", joinPath(curPath, part), err)
			}
			if !n.mode.IsDir() {
				return nil, "", fmt.Errorf("parent %q is not a directory", joinPath(curPath, part))
			}
			cur, curPath = n, p
			continue
		case !next.mode.IsDir():
			w.release(next)
			next = newDir(part, li)
			cur.kids[part] = next
		}
		cur, curPath = next, joinPath(curPath, part)
	}
	return cur, curPath, nil
}

// whiteout deletes name from the layers below li.
func (w *walker) whiteout(li int, dir, name, raw string) {
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		w.skipEntry(li, raw, "malformed whiteout")
		return
	}
	d, dp, err := w.v.resolve(dir, true)
	if err != nil || !d.mode.IsDir() {
		return // deleting what is not there is a no-op
	}
	n, ok := d.kids[name]
	if !ok {
		return
	}
	if n.layer < li && !hasLayer(n, li) {
		delete(d.kids, name)
		w.recordRemoved(n, joinPath(dp, name), li)
		w.release(n)
		return
	}
	if n.mode.IsDir() {
		w.pruneLower(n, joinPath(dp, name), li)
	}
}

// opaque hides everything below dir that layers under li put there.
func (w *walker) opaque(li int, dir, raw string) {
	d, dp, err := w.mkdirAll(li, dir)
	if err != nil {
		w.skipEntry(li, raw, err.Error())
		return
	}
	w.pruneLower(d, dp, li)
}

func (w *walker) pruneLower(d *node, dp string, li int) {
	for name, k := range d.kids {
		p := joinPath(dp, name)
		if k.layer < li && !hasLayer(k, li) {
			delete(d.kids, name)
			w.recordRemoved(k, p, li)
			w.release(k)
			continue
		}
		if k.mode.IsDir() {
			w.pruneLower(k, p, li)
		}
	}
}

func hasLayer(n *node, li int) bool {
	if n.layer == li {
		return true
	}
	for _, k := range n.kids {
		if hasLayer(k, li) {
			return true
		}
	}
	return false
}

func (w *walker) recordRemoved(n *node, p string, li int) {
	if !n.mode.IsDir() {
		w.v.removed = append(w.v.removed, Removed{Path: p, AddedIn: n.layer, RemovedIn: li})
		return
	}
	for name, k := range n.kids {
		w.recordRemoved(k, joinPath(p, name), li)
	}
}

// readEntry reads the content of the seq-th entry of a tar stream.
func readEntry(r io.Reader, seq int, size int64) ([]byte, error) {
	tr := tar.NewReader(r)
	for i := 0; ; i++ {
		if _, err := tr.Next(); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("reading back entry %d: %w", seq, err)
		}
		if i == seq {
			buf := make([]byte, size)
			if _, err := io.ReadFull(tr, buf); err != nil {
				return nil, fmt.Errorf("reading back entry %d: %w", seq, err)
			}
			return buf, nil
		}
	}
}

func fmtTooLarge(size, limit int64) error {
	return fmt.Errorf("%d bytes, over the %d-byte limit", size, limit)
}
