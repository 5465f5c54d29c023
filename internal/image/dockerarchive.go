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
)

// fromDockerArchive reads a `docker save` tarball in place: the tar is
// indexed once, manifest.json and the config are read from their offsets,
// and each distinct layer blob is hashed once for the manifest digest (the
// digest go-containerregistry gives the same archive). The returned
// openers read the layers in manifest order, decompressing by magic bytes.
// Nothing here grows with the square of the layer count. It also returns
// the archive's RepoTags, the names `docker save` was given.
func fromDockerArchive(ctx context.Context, p string) (v1.Image, []func() (io.ReadCloser, error), []string, error) {
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
	for _, lp := range d.Layers {
		desc, ok := hashed[lp]
		if !ok {
			desc, err = a.describe(ctx, lp)
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
// a plain tar by its magic bytes.
func (a *ociArchive) describe(ctx context.Context, name string) (v1.Descriptor, error) {
	rc, err := a.open(name)
	if err != nil {
		return v1.Descriptor{}, err
	}
	defer rc.Close()
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
