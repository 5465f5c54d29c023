package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/fourc-dev/fourc/internal/progress"
)

// fromDockerArchive reads a `docker save` tarball in place: the tar is
// indexed once, manifest.json and the config are read from their offsets,
// and each distinct layer blob is hashed once for the manifest digest (the
// digest go-containerregistry gives the same archive). The returned
// openers read the layers in manifest order, decompressing by magic bytes.
// Nothing here grows with the square of the layer count. The hashing, as
// long as reading the image, reports its progress as step. It also returns
// the archive's RepoTags, the names `docker save` was given.
func fromDockerArchive(ctx context.Context, p, step string) (v1.Image, []func() (io.ReadCloser, error), []string, error) {
	a, err := indexArchive(ctx, p)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := a.read("manifest.json")
	if err != nil {
		return nil, nil, nil, err
	}
	var descs []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(raw, &descs); err != nil {
		return nil, nil, nil, fmt.Errorf("parsing manifest.json: %w", err)
	}
	if len(descs) != 1 {
		return nil, nil, nil, fmt.Errorf("manifest.json lists %d images, want exactly one", len(descs))
	}
	d := descs[0]
	cfg, err := a.read(d.Config)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading config: %w", err)
	}
	a.blobs = map[v1.Hash]string{}
	cfgHash, cfgSize, err := v1.SHA256(bytes.NewReader(cfg))
	if err != nil {
		return nil, nil, nil, err
	}
	a.blobs[cfgHash] = d.Config
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.DockerManifestSchema2,
		Config:        v1.Descriptor{MediaType: types.DockerConfigJSON, Size: cfgSize, Digest: cfgHash},
	}
	hashed := map[string]v1.Descriptor{}
	opens := make([]func() (io.ReadCloser, error), 0, len(d.Layers))
	prog := a.hashProgress(ctx, step, d.Layers)
	for i, lp := range d.Layers {
		desc, ok := hashed[lp]
		if !ok {
			desc, err = a.describe(ctx, lp, prog.reader(i))
			if err != nil {
				return nil, nil, nil, fmt.Errorf("layer %q: %w", lp, err)
			}
			hashed[lp] = desc
			a.blobs[desc.Digest] = lp
		}
		m.Layers = append(m.Layers, desc)
		opens = append(opens, func() (io.ReadCloser, error) {
			rc, err := a.open(lp)
			if err != nil {
				return nil, err
			}
			return decompress(rc)
		})
	}
	rawManifest, err := json.Marshal(m)
	if err != nil {
		return nil, nil, nil, err
	}
	img, err := partial.CompressedToImage(&archiveImage{a: a, raw: rawManifest, mt: m.MediaType})
	if err != nil {
		return nil, nil, nil, err
	}
	return img, opens, d.RepoTags, nil
}

// describe hashes a layer blob as stored and tells a compressed blob from
// a plain tar by its magic bytes; wrap, when set, wraps the blob's reader
// (for progress).
func (a *ociArchive) describe(ctx context.Context, name string, wrap func(io.Reader) io.Reader) (v1.Descriptor, error) {
	f, err := a.open(name)
	if err != nil {
		return v1.Descriptor{}, err
	}
	defer f.Close()
	var rc io.Reader = f
	if wrap != nil {
		rc = wrap(f)
	}
	h := sha256.New()
	var magic [4]byte
	n, err := io.ReadFull(rc, magic[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return v1.Descriptor{}, err
	}
	h.Write(magic[:n])
	rest, err := io.Copy(h, ctxReader{ctx, rc})
	if err != nil {
		return v1.Descriptor{}, err
	}
	mt := types.DockerUncompressedLayer
	if isCompressed(magic[:n]) {
		mt = types.DockerLayer
	}
	return v1.Descriptor{
		MediaType: mt,
		Size:      int64(n) + rest,
		Digest:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))},
	}, nil
}

// ctxReader stops a long read when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// hashProgress reports the hashing of a docker archive's layers: layers
// hashed over the total and their bytes ("image app.tar: 2/7 layers
// hashed · 212/730 MB"). It is nil when nobody listens.
type hashProgress struct {
	r      progress.Reporter
	ev     progress.Event
	sizes  []int64
	before []int64
}

func (a *ociArchive) hashProgress(ctx context.Context, step string, layers []string) *hashProgress {
	if !progress.Enabled(ctx) {
		return nil
	}
	p := &hashProgress{r: progress.From(ctx), ev: progress.Event{Step: step, Total: len(layers), Unit: "layers hashed"}}
	seen := map[string]bool{}
	for _, lp := range layers {
		s, _ := a.span(lp)
		if seen[lp] {
			s.size = 0 // hashed once
		}
		seen[lp] = true
		p.before = append(p.before, p.ev.TotalBytes)
		p.sizes = append(p.sizes, s.size)
		p.ev.TotalBytes += s.size
	}
	p.r.Report(p.ev)
	return p
}

// reader returns the wrapper that counts layer i's bytes as they are
// hashed; nil when p is.
func (p *hashProgress) reader(i int) func(io.Reader) io.Reader {
	if p == nil {
		return nil
	}
	return func(r io.Reader) io.Reader { return &hashCounter{p: p, i: i, r: r} }
}

type hashCounter struct {
	p      *hashProgress
	i      int
	r      io.Reader
	n      int64
	ticked int64
}

func (h *hashCounter) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	h.n += int64(n)
	if err == io.EOF || h.n-h.ticked >= tickBytes {
		h.ticked = h.n
		h.p.ev.Bytes = h.p.before[h.i] + min(h.n, h.p.sizes[h.i])
		h.p.ev.Done = h.i
		if err == io.EOF {
			h.p.ev.Done = h.i + 1
		}
		h.p.r.Report(h.p.ev)
	}
	return n, err
}
