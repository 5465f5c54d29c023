package corpus

import (
	"archive/tar"
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
	tmp := tb.TempDir()
	var names, diffIDs []string
	for i, l := range layers {
		name := fmt.Sprintf("l%d/layer.tar", i)
		p := filepath.Join(tmp, fmt.Sprintf("l%d", i))
		f, err := os.Create(p)
		must(tb, err)
		h := sha256.New()
		var out io.Writer = f
		var gz *gzip.Writer
		if gzipped {
			gz, _ = gzip.NewWriterLevel(f, gzip.BestCompression)
			out = gz
		}
		tw := tar.NewWriter(io.MultiWriter(out, h))
		must(tb, l(tw))
		must(tb, tw.Close())
		if gz != nil {
			must(tb, gz.Close())
		}
		must(tb, f.Close())
		names = append(names, name)
		diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(h.Sum(nil)))
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
			lf, err := os.Open(filepath.Join(tmp, fmt.Sprintf("l%d", i)))
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
		for name, data := range map[string][]byte{"config.json": config, "manifest.json": manifest} {
			if err := add(name, int64(len(data)), bytesReader(data)); err != nil {
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
			bomb := func(w *tar.Writer) error {
				const size = 1 << 30
				if err := w.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
					return err
				}
				_, err := io.CopyN(w, zeros{}, size)
				return err
			}
			dockerArchive(tb, filepath.Join(dir, "image.tar"), []layer{fileEntry("etc/os-release", []byte("ID=alpine\nVERSION_ID=3.20.0\n")), bomb}, true)
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
