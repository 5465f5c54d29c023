package corpus

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestGzipBomb checks that the bomb decompresses to what its tar header
// says, so that the image scanner meets a valid, huge layer.
func TestGzipBomb(t *testing.T) {
	p := filepath.Join(t.TempDir(), "image.tar")
	gzipBombArchive(t, p, 64<<20)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if h.Name != "l1/layer.tar" {
			continue
		}
		gz, err := gzip.NewReader(tr)
		if err != nil {
			t.Fatal(err)
		}
		inner := tar.NewReader(gz)
		ih, err := inner.Next()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, inner)
		if err != nil || n != ih.Size || n != 64<<20 {
			t.Fatalf("layer file %q: %d bytes, %v", ih.Name, n, err)
		}
		if _, err := inner.Next(); err != io.EOF {
			t.Fatalf("after the file: %v", err)
		}
		return
	}
}
