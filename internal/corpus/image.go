package corpus

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// layer writes one layer's tar stream (uncompressed) to w.
type layer func(w *tar.Writer) error

func fileEntry(name string, data []byte) layer {
	return func(w *tar.Writer) error {
		if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	}
}

func entries(ls ...layer) layer {
	return func(w *tar.Writer) error {
		for _, l := range ls {
			if err := l(w); err != nil {
				return err
			}
		}
		return nil
	}
}

// dockerArchive writes a `docker save` tarball at path with the given
// layers; gzipped layers are compressed (the diff IDs are of the
// uncompressed streams, as Docker computes them).
func dockerArchive(tb testing.TB, path string, layers []layer, gzipped bool) {
	tb.Helper()
	files, ids := buildLayers(tb, layers, gzipped)
	writeArchive(tb, path, files, ids)
}

// dockerArchiveRaw writes a docker archive of one ordinary layer and one
// prepared blob with its diff ID.
func dockerArchiveRaw(tb testing.TB, path string, first layer, raw []byte, rawID string) {
	tb.Helper()
	files, ids := buildLayers(tb, []layer{first}, false)
	p := filepath.Join(tb.TempDir(), "raw")
	must(tb, os.WriteFile(p, raw, 0o644))
	writeArchive(tb, path, append(files, p), append(ids, rawID))
}

// buildLayers writes each layer's blob to a temporary file and returns the
// files and diff IDs.
func buildLayers(tb testing.TB, layers []layer, gzipped bool) (files, diffIDs []string) {
	tmp := tb.TempDir()
	for i, l := range layers {
		p := filepath.Join(tmp, fmt.Sprintf("l%d", i))
		f, err := os.Create(p)
		must(tb, err)
		h := sha256.New()
		var out io.Writer = f
		var gz *gzip.Writer
		if gzipped {
			gz, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
			out = gz
		}
		tw := tar.NewWriter(io.MultiWriter(out, h))
		must(tb, l(tw))
		must(tb, tw.Close())
		if gz != nil {
			must(tb, gz.Close())
		}
		must(tb, f.Close())
		files = append(files, p)
		diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(h.Sum(nil)))
	}
	return files, diffIDs
}

// writeArchive puts layer blobs, a config and a manifest into a tarball.
func writeArchive(tb testing.TB, path string, files, diffIDs []string) {
	var names []string
	for i := range files {
		names = append(names, fmt.Sprintf("l%d/layer.tar", i))
	}
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"User": "1000"},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
	must(tb, err)
	manifest, err := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"hostile:latest"}, "Layers": names}})
	must(tb, err)
	writeWith(tb, filepath.Dir(path), filepath.Base(path), func(f *os.File) error {
		tw := tar.NewWriter(f)
		add := func(name string, size int64, r io.Reader) error {
			if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			_, err := io.Copy(tw, r)
			return err
		}
		for i, name := range names {
			lf, err := os.Open(files[i])
			if err != nil {
				return err
			}
			st, _ := lf.Stat()
			err = add(name, st.Size(), lf)
			lf.Close()
			if err != nil {
				return err
			}
		}
		for _, e := range []struct {
			name string
			data []byte
		}{{"config.json", config}, {"manifest.json", manifest}} {
			if err := add(e.name, int64(len(e.data)), bytes.NewReader(e.data)); err != nil {
				return err
			}
		}
		return tw.Close()
	})
}

func imageCases() []Case {
	return []Case{
		{Name: "image-5000-layers", Owner: "image", Write: func(tb testing.TB, dir string) Run {
			ls := make([]layer, 5000)
			for i := range ls {
				ls[i] = fileEntry(fmt.Sprintf("f%d", i), []byte("x"))
			}
			dockerArchive(tb, filepath.Join(dir, "image.tar"), ls, false)
			return Run{Args: []string{"image", "image.tar"}, Skipped: "image.tar"}
		}},
		{Name: "image-gzip-bomb", Owner: "image", Write: func(tb testing.TB, dir string) Run {
			gzipBombArchive(tb, filepath.Join(dir, "image.tar"), 1<<30)
			return Run{Args: []string{"image", "image.tar"}, Skipped: "layer"}
		}},
		{Name: "image-hostile-paths", Owner: "image", Write: func(tb testing.TB, dir string) Run {
			outside := tb.TempDir()
			escape := func(w *tar.Writer) error {
				for _, h := range []*tar.Header{
					{Name: "../../../../" + outside + "/evil", Mode: 0o644, Size: 4, Typeflag: tar.TypeReg},
					{Name: "/abs/evil", Mode: 0o644, Size: 4, Typeflag: tar.TypeReg},
					{Name: "link", Linkname: outside, Typeflag: tar.TypeSymlink},
					{Name: "link/evil", Mode: 0o644, Size: 4, Typeflag: tar.TypeReg},
					{Name: "hard", Linkname: "/etc/shadow", Typeflag: tar.TypeLink},
					{Name: "loop", Linkname: "loop/loop", Typeflag: tar.TypeSymlink},
				} {
					if err := w.WriteHeader(h); err != nil {
						return err
					}
					if h.Size > 0 {
						if _, err := w.Write([]byte("evil")); err != nil {
							return err
						}
					}
				}
				return nil
			}
			dockerArchive(tb, filepath.Join(dir, "image.tar"), []layer{entries(fileEntry("etc/os-release", []byte("ID=alpine\n")), escape)}, false)
			return Run{Args: []string{"image", "image.tar"}, Outside: outside}
		}},
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// gzipBombArchive writes a docker archive whose second layer is a tar of
// one file of size zero bytes, gzipped as concatenated gzip members (each
// 16 MiB of zeros, compressed once): a few hundred KiB on disk, size bytes
// decompressed, written in well under a second.
func gzipBombArchive(tb testing.TB, path string, size int64) {
	tb.Helper()
	const chunk = 16 << 20
	var zmember bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&zmember, gzip.BestCompression)
	_, err := io.CopyN(gz, zeros{}, chunk)
	must(tb, err)
	must(tb, gz.Close())
	member := func(data []byte) []byte {
		var b bytes.Buffer
		gz := gzip.NewWriter(&b)
		gz.Write(data)
		gz.Close()
		return b.Bytes()
	}
	var head bytes.Buffer
	tw := tar.NewWriter(&head)
	must(tb, tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: size, Typeflag: tar.TypeReg}))
	tw.Flush()
	tail := make([]byte, 1024) // the tar end marker (size is a multiple of 512)
	// diff ID: the sha256 of the uncompressed stream.
	h := sha256.New()
	h.Write(head.Bytes())
	zero := make([]byte, chunk)
	for range size / chunk {
		h.Write(zero)
	}
	h.Write(tail)
	var bomb bytes.Buffer
	bomb.Write(member(head.Bytes()))
	for range size / chunk {
		bomb.Write(zmember.Bytes())
	}
	bomb.Write(member(tail))
	rawDiffID := "sha256:" + hex.EncodeToString(h.Sum(nil))
	osLayer := entries(fileEntry("etc/os-release", []byte("ID=alpine\nVERSION_ID=3.20.0\n")))
	dockerArchiveRaw(tb, path, osLayer, bomb.Bytes(), rawDiffID)
}
