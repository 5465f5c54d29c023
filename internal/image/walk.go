package image

import (
	"archive/tar"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
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
	// ComputedDiffID is the digest of the uncompressed stream as read,
	// set when the whole layer was read; it should equal DiffID.
	ComputedDiffID string `json:"computed_diff_id,omitempty"`
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
// of [DefaultLimits], and the run's budgets (limits.From) where they have
// one.
type Limits struct {
	// MaxLayerBytes caps the expanded size of one layer; a layer that
	// expands past it (a decompression bomb) is read no further. Zero
	// means the run's LayerBytes budget.
	MaxLayerBytes int64
	// MaxImageBytes caps the expanded size of all the layers together;
	// zero means the run's ImageBytes budget.
	MaxImageBytes int64
	// MaxLayers caps the layers read; zero means the run's Layers budget.
	MaxLayers int
	// MaxEntries caps the tar entries of one layer.
	MaxEntries int
	// MaxFileSize is the largest single file whose content is read.
	MaxFileSize int64
	// MaxKept caps the bytes of kept file content held in memory; files
	// over MaxInMemory are kept on disk (an unlinked temporary file).
	MaxKept int64
	// MaxInMemory is the largest kept file held in memory.
	MaxInMemory int64
	// MaxSpooled caps the bytes of kept file content held on disk.
	MaxSpooled int64
}

// DefaultLimits are generous for real images and stop bombs early enough.
func DefaultLimits() Limits {
	d := limits.Default()
	return Limits{MaxLayerBytes: d.LayerBytes, MaxImageBytes: d.ImageBytes, MaxLayers: d.Layers,
		MaxEntries: 1 << 20, MaxFileSize: 512 << 20, MaxKept: 256 << 20, MaxInMemory: 4 << 20, MaxSpooled: 8 << 30}
}

// withBudgets fills the zero fields from the run's budgets, then from the
// defaults.
func (l Limits) withBudgets(b limits.Limits) Limits {
	if l.MaxLayerBytes <= 0 {
		l.MaxLayerBytes = b.LayerBytes
	}
	if l.MaxImageBytes <= 0 {
		l.MaxImageBytes = b.ImageBytes
	}
	if l.MaxLayers <= 0 {
		l.MaxLayers = b.Layers
	}
	return l.withDefaults()
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxLayerBytes <= 0 {
		l.MaxLayerBytes = d.MaxLayerBytes
	}
	if l.MaxImageBytes <= 0 {
		l.MaxImageBytes = d.MaxImageBytes
	}
	if l.MaxLayers <= 0 {
		l.MaxLayers = d.MaxLayers
	}
	if l.MaxInMemory <= 0 {
		l.MaxInMemory = d.MaxInMemory
	}
	if l.MaxSpooled <= 0 {
		l.MaxSpooled = d.MaxSpooled
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
	// Keep reports whether a regular file's content is kept for the
	// scanners that read the merged view. The optional check sees the
	// content and may still refuse it (a Go binary is recognised by its
	// build information, not its name).
	Keep func(p string, fi fs.FileInfo) (keep bool, check func(r io.ReaderAt, size int64) bool)
	// Inspect sees every regular file of every layer that InspectWants
	// selects, including files a later layer deletes, with up to
	// InspectMax bytes of content.
	Inspect      func(e Entry, data []byte)
	InspectWants func(p string, fi fs.FileInfo) bool
	InspectMax   int64
	// Sink, when set, is asked for a writer for each regular file of
	// every layer, including files a later layer deletes: the writer gets
	// the file's whole content, in order, then Close. Nil means the file
	// is not wanted. Content streams through it; nothing more is held.
	Sink func(e Entry) io.WriteCloser
	// Image names the image in skipped entries about whole layers.
	Image string
	// Step names the walk in progress events (package progress); empty
	// means "image " + Image. The events count the layers read and the
	// bytes of their blobs as stored, over the sizes the layers declare.
	Step string
}

// BuildView reads the layers in order and returns their merged view. A
// layer or entry it cannot use is reported in the skipped list with a
// one-line reason naming the layer and file; the rest is still read.
//
// The layers' expanded sizes are counted while they stream: a layer past
// MaxLayerBytes is read no further, and once all of them pass
// MaxImageBytes the remaining layers are not read. Each complete layer's
// uncompressed digest is computed on the way (Layer.ComputedDiffID).
func BuildView(ctx context.Context, layers []Layer, opts WalkOptions) (*View, []finding.Skipped, error) {
	opts.Limits = opts.Limits.withBudgets(limits.From(ctx))
	if opts.InspectMax <= 0 {
		opts.InspectMax = 1 << 20
	}
	w := &walker{v: &View{root: newDir("", 0), layers: layers, limits: opts.Limits}, opts: opts}
	w.v.spool = &w.spool
	w.prog = newLayerProgress(ctx, opts, layers)
	for i := range layers {
		w.prog.layer(i)
		if err := ctx.Err(); err != nil {
			w.spool.close()
			return nil, nil, err
		}
		w.v.layers[i].Index = i
		if i >= opts.Limits.MaxLayers {
			w.skipLayers(i, len(layers), limits.Exceeded("layers", opts.Limits.MaxLayers))
			break
		}
		if w.expanded >= opts.Limits.MaxImageBytes {
			w.skipLayers(i, len(layers), limits.Exceeded("image decompressed size", limits.Bytes(opts.Limits.MaxImageBytes)))
			break
		}
		if err := w.layer(ctx, i); err != nil {
			if ctx.Err() != nil {
				w.spool.close()
				return nil, nil, ctx.Err()
			}
			reason := err.Error()
			if errors.Is(err, limits.ErrExceeded) {
				reason += "; the rest of the layer is not read"
			}
			w.skipLayer(i, reason)
		}
		w.prog.layerDone(i)
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
	spool   spool
	// expanded counts the uncompressed bytes of all layers read so far.
	expanded int64
	prog     *layerProgress
}

func (w *walker) skip(p, reason string) {
	w.skipped = append(w.skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: reason})
}

// skipLayer reports a layer that could not be read (whole or in part):
// the image is the path when known, and the reason starts with the layer.
func (w *walker) skipLayer(li int, reason string) {
	name := w.v.layers[li].Name()
	if w.opts.Image == "" {
		w.skip(name, reason)
		return
	}
	w.skip(w.opts.Image, name+": "+reason)
}

// skipLayers reports the layers from..to-1 as not read.
func (w *walker) skipLayers(from, to int, err error) {
	what := fmt.Sprintf("layers %d to %d (of %d) not read", from, to-1, to)
	if to-from == 1 {
		what = fmt.Sprintf("layer %d (of %d) not read", from, to)
	}
	p := w.opts.Image
	if p == "" {
		p = w.v.layers[from].Name()
	}
	w.skip(p, what+": "+err.Error())
}

func (w *walker) skipEntry(li int, name, reason string) {
	w.skip(name, "in "+w.v.layers[li].Name()+": "+reason)
}

// budgetReader counts a layer's expanded bytes as they stream, stops at
// the first byte over its budget, and observes the context, so that a
// decompression bomb or a huge file is cut off early.
type budgetReader struct {
	ctx   context.Context
	r     io.Reader
	n     int64
	limit int64
	// over is the budget error once the limit is passed.
	over func() error
	// tick, when set, is called every tickBytes bytes, for progress.
	tick   func()
	ticked int64
}

// tickBytes is how many expanded bytes a layer streams between two
// progress events.
const tickBytes = 1 << 20

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, b.over()
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if rest := b.limit + 1 - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.tick != nil && b.n-b.ticked >= tickBytes {
		b.ticked = b.n
		b.tick()
	}
	if b.n > b.limit {
		return n, b.over()
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
	lim := w.opts.Limits
	br := &budgetReader{ctx: ctx, r: rc, limit: min(lim.MaxLayerBytes, lim.MaxImageBytes-w.expanded)}
	if w.prog.on() {
		stored, _ := rc.(storedCounter)
		br.tick = func() { w.prog.reading(li, stored, br.n) }
	}
	br.over = func() error {
		if br.limit < lim.MaxLayerBytes {
			return limits.Exceeded("image decompressed size", limits.Bytes(lim.MaxImageBytes))
		}
		return limits.Exceeded("layer "+shortDigest(l)+" decompressed size", limits.Bytes(lim.MaxLayerBytes))
	}
	defer func() { w.expanded += br.n }()
	h := sha256.New()
	tr := tar.NewReader(io.TeeReader(br, h))
	for seq := 0; ; seq++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			// The diff ID covers the stream to its end, padding included.
			if _, err := io.Copy(h, br); err != nil {
				return fmt.Errorf("reading the end of the layer: %w", err)
			}
			l.ComputedDiffID = "sha256:" + hex.EncodeToString(h.Sum(nil))
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
	case tar.TypeReg: // tar.Reader reports the old NUL type as TypeReg
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
		n.mode, n.size, n.data, n.kept, n.ref, n.spooled, n.spoolOff = t.mode, t.size, t.data, t.kept, t.ref, t.spooled, t.spoolOff
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

// content reads a regular file's bytes when a scanner wants them: the
// first InspectMax bytes for Inspect, the whole file when kept or when a
// Sink wants it. Small kept
// files stay in memory; larger ones stream to the spool, so no file is
// ever held whole in memory past MaxInMemory.
func (w *walker) content(li int, p string, fi fs.FileInfo, n *node, r io.Reader) error {
	lim := w.opts.Limits
	if w.opts.Sink != nil {
		if sink := w.opts.Sink(Entry{Layer: li, Path: p, Mode: n.mode, Size: n.size}); sink != nil {
			// Deferred in this order: what the scanners below left
			// unread is streamed to the sink, then it is closed.
			defer sink.Close()
			r = io.TeeReader(r, sink)
			defer func() { _, _ = io.Copy(io.Discard, r) }()
		}
	}
	var keep bool
	var check func(io.ReaderAt, int64) bool
	if w.opts.Keep != nil {
		keep, check = w.opts.Keep(p, fi)
	}
	inspect := w.opts.Inspect != nil && (w.opts.InspectWants == nil || w.opts.InspectWants(p, fi))
	if keep {
		keep = w.withinBudget(li, p, n.size)
	}
	if !keep && !inspect {
		return nil
	}
	head := n.size
	if !keep || n.size > lim.MaxInMemory {
		head = min(head, w.opts.InspectMax)
	}
	if int64(cap(w.scratch)) < head {
		w.scratch = make([]byte, head)
	}
	buf := w.scratch[:head]
	if _, err := io.ReadFull(r, buf); err != nil {
		return err
	}
	if inspect {
		w.opts.Inspect(Entry{Layer: li, Path: p, Mode: n.mode, Size: n.size, Truncated: min(head, w.opts.InspectMax) < n.size}, buf[:min(head, w.opts.InspectMax)])
	}
	if !keep {
		return nil
	}
	return w.keep(n, buf, r, check)
}

// withinBudget reports whether a file of size bytes may be kept: under the
// file size limit, and within the spool's or memory's budget. A file that
// is not is recorded as skipped.
func (w *walker) withinBudget(li int, p string, size int64) bool {
	lim := w.opts.Limits
	switch {
	case size > lim.MaxFileSize:
		w.skipEntry(li, p, fmt.Sprintf("%d bytes, over the %d-byte limit: not scanned", size, lim.MaxFileSize))
	case size > lim.MaxInMemory && w.spool.size+size > lim.MaxSpooled:
		w.skipEntry(li, p, "disk budget for file contents used up: not scanned")
	case size <= lim.MaxInMemory && w.kept+size > lim.MaxKept:
		w.skipEntry(li, p, "memory budget for file contents used up: not scanned")
	default:
		return true
	}
	return false
}

// keep stores a kept file: buf holds its first bytes, r the rest. A small
// file stays in memory, a larger one goes to the spool; check, when set,
// has the last word on either.
func (w *walker) keep(n *node, buf []byte, r io.Reader, check func(io.ReaderAt, int64) bool) error {
	if n.size <= w.opts.Limits.MaxInMemory {
		if check == nil || check(bytes.NewReader(buf), n.size) {
			n.data = append([]byte(nil), buf...)
			n.kept = true
			w.kept += n.size
		}
		return nil
	}
	off, err := w.spool.add(buf, r, n.size)
	if err != nil {
		return err
	}
	if check != nil && !check(w.spool.section(off, n.size), n.size) {
		w.spool.drop(off)
		return nil
	}
	n.kept, n.spooled, n.spoolOff = true, true, off
	return nil
}

// release forgets the kept bytes of a replaced or deleted subtree.
func (w *walker) release(n *node) {
	if n.kept && !n.spooled {
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

// shortDigest names a layer in budget errors: "sha256:0123456789ab".
func shortDigest(l *Layer) string {
	d := cmp.Or(l.DiffID, l.Digest)
	if alg, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return alg + ":" + hex[:12]
	}
	if d == "" {
		return strconv.Itoa(l.Index)
	}
	return d
}

func fmtTooLarge(size, limit int64) error {
	return fmt.Errorf("%d bytes, over the %d-byte limit", size, limit)
}
