package image

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Kind is where an image was read from.
type Kind string

// Kinds of image source.
const (
	KindRegistry      Kind = "registry"
	KindDockerArchive Kind = "docker-archive"
	KindOCIArchive    Kind = "oci-archive"
	KindOCILayout     Kind = "oci-layout"
)

// imageSource is an opened image and what is known about where it came from.
type imageSource struct {
	kind Kind
	img  v1.Image
	// ref is set for registry images.
	ref    name.Reference
	remote []remote.Option
	// opens, when set, replace the layers' own readers (docker archives).
	opens []func() (io.ReadCloser, error)
	// names are the references the source calls the image by: a docker
	// archive's RepoTags, an OCI index's reference annotations.
	names []string
}

// open detects what ref names and opens it. An explicit prefix
// ("docker-archive:", "oci-archive:", "oci:", "registry:") skips detection;
// otherwise an existing path is a directory (OCI layout) or a tarball
// (docker save or OCI), and anything else is a registry reference.
func open(ctx context.Context, ref string, opts Options) (*imageSource, error) {
	plat, err := platform(opts.Platform)
	if err != nil {
		return nil, err
	}
	kind, p := Kind(""), ref
	for prefix, k := range map[string]Kind{"docker-archive:": KindDockerArchive, "oci-archive:": KindOCIArchive, "oci:": KindOCILayout, "registry:": KindRegistry} {
		if rest, ok := strings.CutPrefix(ref, prefix); ok {
			kind, p = k, rest
		}
	}
	if kind == "" {
		kind, err = detect(p)
		if err != nil {
			return nil, err
		}
	}
	switch kind {
	case KindOCILayout:
		img, names, err := fromLayout(p, plat)
		if err != nil {
			return nil, fmt.Errorf("reading OCI layout %q: %w", p, err)
		}
		return &imageSource{kind: kind, img: img, names: names}, nil
	case KindDockerArchive:
		img, opens, tags, err := fromDockerArchive(ctx, p, "image "+ref)
		if err != nil {
			return nil, fmt.Errorf("reading docker archive %q: %w", p, err)
		}
		return &imageSource{kind: kind, img: img, opens: opens, names: tags}, nil
	case KindOCIArchive:
		img, names, err := fromOCIArchive(ctx, p, plat)
		if err != nil {
			return nil, fmt.Errorf("reading OCI archive %q: %w", p, err)
		}
		return &imageSource{kind: kind, img: img, names: names}, nil
	}
	return fromRegistry(ctx, p, plat, opts)
}

// CheckRef tells, without reading an image or touching the network,
// whether Scan can open ref: an existing docker archive, OCI tarball or
// layout, or a well-formed registry reference. It returns the kind of
// source ref names, so that a caller can refuse a registry when offline.
func CheckRef(ref string) (Kind, error) {
	kind, p := Kind(""), ref
	for prefix, k := range map[string]Kind{"docker-archive:": KindDockerArchive, "oci-archive:": KindOCIArchive, "oci:": KindOCILayout, "registry:": KindRegistry} {
		if rest, ok := strings.CutPrefix(ref, prefix); ok {
			kind, p = k, rest
		}
	}
	if kind == "" {
		k, err := detect(p)
		if err != nil {
			return "", err
		}
		kind = k
	}
	if kind == KindRegistry {
		if _, err := name.ParseReference(p); err != nil {
			return "", fmt.Errorf("parsing reference %q: %w", p, err)
		}
		return kind, nil
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("reading %q: %w", p, err)
	}
	return kind, nil
}

func platform(s string) (v1.Platform, error) {
	if s == "" {
		return v1.Platform{OS: "linux", Architecture: runtime.GOARCH}, nil
	}
	p, err := v1.ParsePlatform(s)
	if err != nil {
		return v1.Platform{}, fmt.Errorf("parsing platform %q: %w", s, err)
	}
	return *p, nil
}

// detect tells a layout directory and the two kinds of tarball apart by
// their contents; a path that does not exist is a registry reference,
// unless it can only be a file path (see [looksLikePath]).
func detect(p string) (Kind, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !looksLikePath(p) {
			return KindRegistry, nil
		}
		return "", fmt.Errorf("reading %q: %w", p, err)
	}
	if st.IsDir() {
		if _, err := os.Stat(filepath.Join(p, "index.json")); err != nil {
			return "", fmt.Errorf("directory %q is not an OCI layout (no index.json)", p)
		}
		return KindOCILayout, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var oci bool
	for i := 0; i < 10000; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("file %q is neither a docker archive nor an OCI tarball: %w", p, err)
		}
		switch path.Clean(h.Name) {
		case "manifest.json":
			return KindDockerArchive, nil
		case "index.json":
			oci = true
		}
	}
	if oci {
		return KindOCIArchive, nil
	}
	return "", fmt.Errorf("file %q is neither a docker archive (no manifest.json) nor an OCI tarball (no index.json)", p)
}

// looksLikePath reports whether ref can only name a local file: an
// absolute or ./, ../ path (no image reference starts with / or .), or a
// tarball name without a tag. A missing file is then reported as missing
// instead of as a malformed reference.
func looksLikePath(ref string) bool {
	if filepath.IsAbs(ref) || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") || ref == "." || ref == ".." {
		return true
	}
	if strings.ContainsAny(ref, ":@") {
		return false
	}
	for _, ext := range []string{".tar", ".tar.gz", ".tgz"} {
		if strings.HasSuffix(ref, ext) {
			return true
		}
	}
	return false
}

func fromRegistry(ctx context.Context, s string, plat v1.Platform, opts Options) (*imageSource, error) {
	var nopts []name.Option
	if opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	ref, err := name.ParseReference(s, nopts...)
	if err != nil {
		return nil, fmt.Errorf("parsing reference %q: %w", s, err)
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithPlatform(plat)}
	if opts.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opts.Transport))
	}
	desc, err := remote.Get(ref, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetching %q: %w", s, err)
	}
	img, err := desc.Image() // resolves an index to the platform's image
	if err != nil {
		return nil, fmt.Errorf("reading image %q for %s: %w", s, plat, err)
	}
	return &imageSource{kind: KindRegistry, img: img, ref: ref, remote: ropts}, nil
}

func fromLayout(dir string, plat v1.Platform) (v1.Image, []string, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, nil, err
	}
	img, err := pick(idx, plat)
	if err != nil {
		return nil, nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	return img, indexNames(im, img), nil
}

// indexNames returns the full references an OCI index's annotations give
// the image it chose: io.containerd.image.name, and
// org.opencontainers.image.ref.name when it is a reference rather than a
// bare tag. The descriptor is the image's own, or the index's only one.
func indexNames(im *v1.IndexManifest, img v1.Image) []string {
	d, err := img.Digest()
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range im.Manifests {
		if m.Digest != d && len(im.Manifests) != 1 {
			continue
		}
		for _, k := range []string{"io.containerd.image.name", "org.opencontainers.image.ref.name"} {
			if n := m.Annotations[k]; strings.ContainsAny(n, "/:") && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// pick chooses the image of an index: the only one, or the one for plat,
// descending into nested indexes.
func pick(idx v1.ImageIndex, plat v1.Platform) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var imgs []v1.Descriptor
	for _, d := range im.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := pick(child, plat); err == nil {
				return img, nil
			}
		case d.MediaType.IsImage():
			imgs = append(imgs, d)
		}
	}
	if len(imgs) == 1 && (imgs[0].Platform == nil || imgs[0].Platform.Satisfies(plat)) {
		return idx.Image(imgs[0].Digest)
	}
	var seen []string
	for _, d := range imgs {
		if d.Platform != nil && d.Platform.Satisfies(plat) {
			return idx.Image(d.Digest)
		}
		if d.Platform != nil {
			seen = append(seen, d.Platform.String())
		}
	}
	if len(imgs) == 0 {
		return nil, errors.New("no image manifest in the index")
	}
	return nil, fmt.Errorf("no image for platform %s (have %s)", plat, strings.Join(seen, ", "))
}

// ociArchive reads an OCI image layout packed in a tar file without
// unpacking it: it indexes the tar once and reads blobs in place.
type ociArchive struct {
	f     *os.File
	files map[string]tarSpan
	links map[string]string
	// blobs maps a digest to its file when blobs are not stored under
	// blobs/ALG/HEX (docker archives).
	blobs map[v1.Hash]string
}

type tarSpan struct{ off, size int64 }

// indexArchive records where each file of a tar file starts. The file
// stays open for the image's lifetime, like go-containerregistry's
// tarball opener.
func indexArchive(ctx context.Context, p string) (*ociArchive, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	a := &ociArchive{f: f, files: map[string]tarSpan{}, links: map[string]string{}}
	cr := &countReader{r: f}
	tr := tar.NewReader(cr)
	for {
		if err := ctx.Err(); err != nil {
			f.Close()
			return nil, err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return a, nil
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		switch h.Typeflag {
		case tar.TypeReg:
			a.files[path.Clean(h.Name)] = tarSpan{off: cr.n, size: h.Size}
		case tar.TypeSymlink:
			a.links[path.Clean(h.Name)] = path.Join(path.Dir(path.Clean(h.Name)), h.Linkname)
		case tar.TypeLink:
			a.links[path.Clean(h.Name)] = path.Clean(h.Linkname)
		}
	}
}

// span finds a file, following links inside the archive.
func (a *ociArchive) span(name string) (tarSpan, bool) {
	name = path.Clean(name)
	for range 16 {
		if s, ok := a.files[name]; ok {
			return s, true
		}
		next, ok := a.links[name]
		if !ok {
			break
		}
		name = next
	}
	return tarSpan{}, false
}

func fromOCIArchive(ctx context.Context, p string, plat v1.Platform) (v1.Image, []string, error) {
	a, err := indexArchive(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	raw, err := a.read("index.json")
	if err != nil {
		return nil, nil, err
	}
	var im v1.IndexManifest
	if err := json.Unmarshal(raw, &im); err != nil {
		return nil, nil, fmt.Errorf("parsing index.json: %w", err)
	}
	img, err := a.pick(&im, plat)
	if err != nil {
		return nil, nil, err
	}
	return img, indexNames(&im, img), nil
}

// countReader knows its offset in the file; it seeks, so that indexing
// skips the blobs' bytes instead of reading them.
type countReader struct {
	r *os.File
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countReader) Seek(off int64, whence int) (int64, error) {
	n, err := c.r.Seek(off, whence)
	if err == nil {
		c.n = n
	}
	return n, err
}

func (a *ociArchive) blobPath(h v1.Hash) string {
	if p, ok := a.blobs[h]; ok {
		return p
	}
	return "blobs/" + h.Algorithm + "/" + h.Hex
}

func (a *ociArchive) open(name string) (io.ReadCloser, error) {
	s, ok := a.span(name)
	if !ok {
		return nil, fmt.Errorf("%s: not in the archive", name)
	}
	return io.NopCloser(io.NewSectionReader(a.f, s.off, s.size)), nil
}

func (a *ociArchive) read(name string) ([]byte, error) {
	s, ok := a.span(name)
	if !ok {
		return nil, fmt.Errorf("%s: not in the archive", name)
	}
	if s.size > 64<<20 {
		return nil, fmt.Errorf("%s: %d bytes is too large for a manifest", name, s.size)
	}
	buf := make([]byte, s.size)
	_, err := a.f.ReadAt(buf, s.off)
	return buf, err
}

func (a *ociArchive) pick(im *v1.IndexManifest, plat v1.Platform) (v1.Image, error) {
	var imgs []v1.Descriptor
	for _, d := range im.Manifests {
		switch {
		case d.MediaType.IsIndex():
			raw, err := a.read(a.blobPath(d.Digest))
			if err != nil {
				return nil, err
			}
			var child v1.IndexManifest
			if err := json.Unmarshal(raw, &child); err != nil {
				return nil, fmt.Errorf("parsing index %s: %w", d.Digest, err)
			}
			if img, err := a.pick(&child, plat); err == nil {
				return img, nil
			}
		case d.MediaType.IsImage():
			imgs = append(imgs, d)
		}
	}
	for _, d := range imgs {
		if len(imgs) == 1 || (d.Platform != nil && d.Platform.Satisfies(plat)) {
			raw, err := a.read(a.blobPath(d.Digest))
			if err != nil {
				return nil, err
			}
			return partial.CompressedToImage(&archiveImage{a: a, raw: raw, mt: d.MediaType})
		}
	}
	return nil, fmt.Errorf("no image for platform %s", plat)
}

type archiveImage struct {
	a   *ociArchive
	raw []byte
	mt  types.MediaType
	m   *v1.Manifest
	// byDigest indexes the manifest's layers, so that an image with many
	// layers is not searched once per layer.
	byDigest map[v1.Hash]v1.Descriptor
}

func (i *archiveImage) RawManifest() ([]byte, error)        { return i.raw, nil }
func (i *archiveImage) MediaType() (types.MediaType, error) { return i.mt, nil }
func (i *archiveImage) manifest() (*v1.Manifest, error) {
	if i.m == nil {
		m, err := v1.ParseManifest(bytes.NewReader(i.raw))
		if err != nil {
			return nil, err
		}
		i.m = m
	}
	return i.m, nil
}

func (i *archiveImage) RawConfigFile() ([]byte, error) {
	m, err := i.manifest()
	if err != nil {
		return nil, err
	}
	return i.a.read(i.a.blobPath(m.Config.Digest))
}

func (i *archiveImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	m, err := i.manifest()
	if err != nil {
		return nil, err
	}
	if i.byDigest == nil {
		i.byDigest = make(map[v1.Hash]v1.Descriptor, len(m.Layers))
		for _, l := range m.Layers {
			if _, dup := i.byDigest[l.Digest]; !dup {
				i.byDigest[l.Digest] = l
			}
		}
	}
	if l, ok := i.byDigest[h]; ok {
		return &archiveLayer{a: i.a, d: l}, nil
	}
	if m.Config.Digest == h {
		return &archiveLayer{a: i.a, d: m.Config}, nil
	}
	return nil, fmt.Errorf("blob %s is not in the manifest", h)
}

type archiveLayer struct {
	a *ociArchive
	d v1.Descriptor
}

func (l *archiveLayer) Digest() (v1.Hash, error)            { return l.d.Digest, nil }
func (l *archiveLayer) Compressed() (io.ReadCloser, error)  { return l.a.open(l.a.blobPath(l.d.Digest)) }
func (l *archiveLayer) Size() (int64, error)                { return l.d.Size, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) { return l.d.MediaType, nil }
