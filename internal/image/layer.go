package image

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
)

// gzipBlock and gzipBlocks bound the read-ahead of gzip layers: one
// goroutine inflates up to gzipBlocks blocks of gzipBlock bytes while the
// walker reads the tar stream, so decompression and analysis overlap.
const (
	gzipBlock  = 1 << 20
	gzipBlocks = 4
)

// The magic bytes of the compressions layers use.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// isCompressed reports whether a blob starting with magic is gzip or zstd.
func isCompressed(magic []byte) bool {
	return bytes.HasPrefix(magic, gzipMagic) || bytes.HasPrefix(magic, zstdMagic)
}

// decompress returns the tar stream inside a layer blob, recognising gzip
// and zstd by their magic bytes; anything else is read as a plain tar. The
// stream counts the blob's bytes read as stored (see [storedCounter]).
func decompress(rc io.ReadCloser) (io.ReadCloser, error) {
	cr := &storedReader{r: rc}
	br := bufio.NewReaderSize(cr, 256<<10)
	magic, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		rc.Close()
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := pgzip.NewReaderN(br, gzipBlock, gzipBlocks)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("corrupt gzip: %w", err)
		}
		return &stack{Reader: zr, stored: cr, close: []func() error{zr.Close, rc.Close}}, nil
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("corrupt zstd: %w", err)
		}
		return &stack{Reader: zr, stored: cr, close: []func() error{func() error { zr.Close(); return nil }, rc.Close}}, nil
	}
	return &stack{Reader: br, stored: cr, close: []func() error{rc.Close}}, nil
}

// storedCounter is implemented by layer streams that know how many bytes
// of the blob, as stored (compressed), they have read: the progress of a
// layer in the units of its size in the manifest.
type storedCounter interface {
	StoredBytes() int64
}

// storedReader counts the bytes read through it; the decompressor may read
// ahead in a goroutine of its own.
type storedReader struct {
	r io.Reader
	n atomic.Int64
}

func (s *storedReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n.Add(int64(n))
	return n, err
}

type stack struct {
	io.Reader
	stored *storedReader
	close  []func() error
}

// StoredBytes implements storedCounter.
func (s *stack) StoredBytes() int64 { return s.stored.n.Load() }

func (s *stack) Close() error {
	var errs []error
	for _, c := range s.close {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// layerOpener reads a layer's blob as stored and decompresses it here:
// faster than go-containerregistry's own gzip reader. Layers whose media
// type says they are not compressed, or that fail to give their blob, are
// read through Uncompressed.
func layerOpener(l v1.Layer) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		mt, err := l.MediaType()
		if err == nil && compressedType(mt) {
			if rc, err := l.Compressed(); err == nil {
				return decompress(rc)
			}
		}
		return l.Uncompressed()
	}
}

func compressedType(mt types.MediaType) bool {
	switch mt {
	case types.DockerLayer, types.OCILayer, types.OCILayerZStd, types.DockerForeignLayer, types.OCIRestrictedLayer:
		return true
	}
	return false
}
