package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// tarEntry describes one entry of a test layer.
type tarEntry struct {
	name string
	typ  byte
	mode int64
	body string
	link string
	size int64 // for entries whose body is not given (streamed zeros)
}

func reg(name, body string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeReg, mode: 0o644, body: body}
}
func dir(name string) tarEntry { return tarEntry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeSymlink, mode: 0o777, link: target}
}

// makeTar writes entries as an uncompressed tar.
func makeTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Format: tar.FormatPAX}
		if e.typ == tar.TypeReg {
			h.Size = int64(len(e.body))
			if e.size > 0 {
				h.Size = e.size
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if e.size > 0 {
				if _, err := io.CopyN(tw, zeros{}, e.size); err != nil {
					t.Fatal(err)
				}
			} else if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// rawLayer is a layer whose stream is b as is.
func rawLayer(digest string, b []byte) Layer {
	return Layer{DiffID: digest, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// gzLayer is a layer stored gzip-compressed, read through gzip.
func gzLayer(digest string, b []byte) Layer {
	return Layer{DiffID: digest, Open: func() (io.ReadCloser, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return zr, nil
	}}
}

func keepAll(string, fs.FileInfo) (bool, func(io.ReaderAt, int64) bool) { return true, nil }

func build(t testing.TB, opts WalkOptions, layers ...Layer) (*View, []finding.Skipped) {
	t.Helper()
	v, sk, err := BuildView(context.Background(), layers, opts)
	if err != nil {
		t.Fatal(err)
	}
	return v, sk
}

func listing(t testing.TB, v *View) []string {
	t.Helper()
	var out []string
	if err := v.Walk(func(fi FileInfo) error {
		s := fi.Path
		if fi.Link != "" {
			s += " -> " + fi.Link
		}
		out = append(out, s+" @"+string(rune('0'+fi.Layer)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWhiteouts(t *testing.T) {
	base := makeTar(t,
		dir("etc/"), reg("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), reg("etc/secret.env", "TOKEN=x\n"),
		dir("app/"), reg("app/a", "a"), reg("app/b", "b"), dir("app/sub/"), reg("app/sub/c", "c"),
		dir("var/"), reg("var/keep", "k"),
	)
	top := makeTar(t,
		reg("etc/.wh.secret.env", ""),
		dir("app/"), reg("app/.wh..wh..opq", ""), reg("app/new", "n"),
		reg("var/keep", "k2"),
	)
	v, sk := build(t, WalkOptions{Keep: keepAll}, rawLayer("sha256:base", base), rawLayer("sha256:top", top))
	if len(sk) != 0 {
		t.Fatalf("skipped: %v", sk)
	}
	want := []string{"app @1", "app/new @1", "etc @0", "etc/passwd @0", "var @0", "var/keep @1"}
	if d := cmp.Diff(want, listing(t, v)); d != "" {
		t.Errorf("view (-want +got):\n%s", d)
	}
	wantRemoved := []Removed{
		{Path: "app/a", AddedIn: 0, RemovedIn: 1}, {Path: "app/b", AddedIn: 0, RemovedIn: 1},
		{Path: "app/sub/c", AddedIn: 0, RemovedIn: 1}, {Path: "etc/secret.env", AddedIn: 0, RemovedIn: 1},
	}
	if d := cmp.Diff(wantRemoved, v.Removed()); d != "" {
		t.Errorf("removed (-want +got):\n%s", d)
	}
	data, err := fs.ReadFile(v, "var/keep")
	if err != nil || string(data) != "k2" {
		t.Errorf("var/keep = %q, %v; want k2", data, err)
	}
}

func TestViewIsAnFS(t *testing.T) {
	l := makeTar(t, dir("usr/"), dir("usr/lib/"), reg("usr/lib/os-release", "ID=debian\n"),
		dir("etc/"), symlink("etc/os-release", "../usr/lib/os-release"), symlink("lib", "usr/lib"),
		reg("usr/lib/big", strings.Repeat("x", 5000)))
	// Keep nothing: content is read back from the layer on demand.
	v, _ := build(t, WalkOptions{}, gzLayer("sha256:l", gz(t, l)))
	if err := fstest.TestFS(v, "usr/lib/os-release", "etc/os-release", "usr/lib/big"); err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(v, "lib/os-release")
	if err != nil || string(data) != "ID=debian\n" {
		t.Errorf("lib/os-release through a symlinked dir = %q, %v", data, err)
	}
	if got, err := v.ReadLink("etc/os-release"); err != nil || got != "../usr/lib/os-release" {
		t.Errorf("ReadLink = %q, %v", got, err)
	}
}

func TestHostileLayers(t *testing.T) {
	bomb := makeTar(t, tarEntry{name: "bomb", typ: tar.TypeReg, mode: 0o644, size: 64 << 20})
	good := makeTar(t, reg("ok.txt", "fine"))
	trunc := gz(t, makeTar(t, reg("a.txt", strings.Repeat("a", 100000)), reg("b.txt", "b")))
	trunc = trunc[:len(trunc)/2]
	tests := []struct {
		name    string
		layer   Layer
		limits  Limits
		want    []string // view after the hostile layer and a good one
		skipped []finding.Skipped
	}{
		{
			name:  "traversal",
			layer: rawLayer("sha256:evil", makeTar(t, reg("../../etc/passwd", "x"), reg("a/../../b", "x"), reg("fine", "y"))),
			want:  []string{"fine @0", "ok.txt @1"},
			skipped: []finding.Skipped{
				{Path: "../../etc/passwd", Scanner: "image", Reason: "in layer 0 (sha256:evil): path escapes the root"},
				{Path: "a/../../b", Scanner: "image", Reason: "in layer 0 (sha256:evil): path escapes the root"},
			},
		},
		{
			name:    "absolute path",
			layer:   rawLayer("sha256:abs", makeTar(t, reg("/etc/shadow", "x"))),
			want:    []string{"ok.txt @1"},
			skipped: []finding.Skipped{{Path: "/etc/shadow", Scanner: "image", Reason: "in layer 0 (sha256:abs): absolute path"}},
		},
		{
			name:  "symlink loop",
			layer: rawLayer("sha256:loop", makeTar(t, symlink("a", "b"), symlink("b", "a"), reg("a/x", "x"))),
			want:  []string{"a -> b @0", "b -> a @0", "ok.txt @1"},
			skipped: []finding.Skipped{{Path: "a/x", Scanner: "image",
				Reason: `in layer 0 (sha256:loop): resolving "a": too many levels of symbolic links`}},
		},
		{
			name:   "gzip bomb",
			layer:  gzLayer("sha256:bomb", gz(t, bomb)),
			limits: Limits{MaxLayerBytes: 1 << 20},
			want:   []string{"ok.txt @1"},
			skipped: []finding.Skipped{{Path: "layer 0 (sha256:bomb)", Scanner: "image",
				Reason: `reading "bomb": budget: layer sha256:bomb decompressed size exceeded 1 MiB; the rest of the layer is not read`}},
		},
		{
			name:   "oversized file",
			layer:  rawLayer("sha256:big", makeTar(t, tarEntry{name: "big.json", typ: tar.TypeReg, mode: 0o644, size: 2 << 20})),
			limits: Limits{MaxFileSize: 1 << 20},
			want:   []string{"big.json @0", "ok.txt @1"},
			skipped: []finding.Skipped{{Path: "big.json", Scanner: "image",
				Reason: "in layer 0 (sha256:big): 2097152 bytes, over the 1048576-byte limit: not scanned"}},
		},
		{
			name:  "truncated gzip",
			layer: gzLayer("sha256:trunc", trunc),
			want:  []string{"ok.txt @1"},
			skipped: []finding.Skipped{{Path: "layer 0 (sha256:trunc)", Scanner: "image",
				Reason: `reading "a.txt": unexpected EOF`}},
		},
		{
			name:  "not a tar",
			layer: rawLayer("sha256:junk", []byte(strings.Repeat("junk", 300))),
			want:  []string{"ok.txt @1"},
			skipped: []finding.Skipped{{Path: "layer 0 (sha256:junk)", Scanner: "image",
				Reason: "reading tar after 0 entries: archive/tar: invalid tar header"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, sk := build(t, WalkOptions{Keep: keepAll, Limits: tt.limits}, tt.layer, rawLayer("sha256:good", good))
			if d := cmp.Diff(tt.want, listing(t, v)); d != "" {
				t.Errorf("view (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.skipped, sk); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
			// A symlink loop must not hang or crash readers of the view.
			if _, err := v.Open("a/x"); err == nil && tt.name == "symlink loop" {
				t.Error("opening through a symlink loop succeeded")
			}
		})
	}
}

func TestHardLinkAndAttribution(t *testing.T) {
	l0 := makeTar(t, dir("bin/"), reg("bin/tool", "TOOL"))
	l1 := makeTar(t, tarEntry{name: "bin/alias", typ: tar.TypeLink, link: "bin/tool"},
		tarEntry{name: "bin/bad", typ: tar.TypeLink, link: "../../etc/passwd"})
	v, sk := build(t, WalkOptions{}, rawLayer("sha256:a", l0), rawLayer("sha256:b", l1))
	data, err := fs.ReadFile(v, "bin/alias")
	if err != nil || string(data) != "TOOL" {
		t.Errorf("hard link content = %q, %v", data, err)
	}
	if fi, _ := v.Info("bin/alias"); fi.Layer != 1 {
		t.Errorf("hard link layer = %d, want 1", fi.Layer)
	}
	want := []finding.Skipped{{Path: "bin/bad", Scanner: "image", Reason: `in layer 1 (sha256:b): hard link to "../../etc/passwd" refused`}}
	if d := cmp.Diff(want, sk); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
}

// FuzzBuildView feeds arbitrary bytes as a layer (raw and as a second layer
// over a fixed base): building the view and walking it must never panic or
// hang, whatever the input.
func FuzzBuildView(f *testing.F) {
	f.Add(makeTar(f, dir("a/"), reg("a/b", "x"), symlink("c", "a"), reg("c/d", "y")))
	f.Add(makeTar(f, reg("../../etc/passwd", "x"), reg("/abs", "y")))
	f.Add(makeTar(f, symlink("a", "b"), symlink("b", "a"), reg("a/x", "x")))
	f.Add(makeTar(f, reg("a/.wh..wh..opq", ""), reg(".wh.base", ""), tarEntry{name: "h", typ: tar.TypeLink, link: "base"}))
	f.Add([]byte("not a tar"))
	base := makeTar(f, dir("a/"), reg("a/old", "o"), reg("base", "b"), symlink("up", ".."))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxEntries: 2000, MaxFileSize: 1 << 20, MaxKept: 4 << 20, MaxInMemory: 64 << 10, MaxSpooled: 8 << 20}
		ctx := limits.With(context.Background(), limits.Limits{Layers: 3, LayerBytes: 8 << 20, ImageBytes: 12 << 20})
		layers := []Layer{rawLayer("sha256:base", base), rawLayer("sha256:fuzz", data), gzLayer("sha256:gz", gz(t, data)), rawLayer("sha256:over", data)}
		v, sk, err := BuildView(ctx, layers, WalkOptions{Keep: keepAll, Limits: lim, Image: "fuzz.tar"})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if !slices.ContainsFunc(sk, func(s finding.Skipped) bool { return strings.Contains(s.Reason, "budget: layers exceeded 3") }) {
			t.Errorf("the fourth layer was read: %v", sk)
		}
		n := 0
		_ = v.Walk(func(fi FileInfo) error {
			n++
			if !fs.ValidPath(fi.Path) {
				t.Fatalf("invalid path in view: %q", fi.Path)
			}
			if f, err := v.Open(fi.Path); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
			return nil
		})
		_ = fs.WalkDir(v, ".", func(string, fs.DirEntry, error) error { return nil })
	})
}
