package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// testLayer is one layer of a generated docker archive: its blob as
// stored and the diff_id the configuration declares for it.
type testLayer struct {
	blob   []byte
	diffID string
}

func diffIDOf(uncompressed []byte) string {
	sum := sha256.Sum256(uncompressed)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// writeDockerArchive writes a `docker save` tarball with the given layers.
func writeDockerArchive(t testing.TB, layers []testLayer) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	put := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	var paths, diffIDs []string
	written := map[string]bool{}
	for _, l := range layers {
		sum := sha256.Sum256(l.blob)
		name := hex.EncodeToString(sum[:]) + "/layer.tar"
		paths, diffIDs = append(paths, name), append(diffIDs, l.diffID)
		if !written[name] {
			written[name] = true
			put(name, l.blob)
		}
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64",
		"config": map[string]any{"User": "1000"}, "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	man, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"hostile:test"}, "Layers": paths}})
	put("config.json", cfg)
	put("manifest.json", man)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// zeroBomb streams n bytes of zeros, as one file in a tar, through gzip:
// a few kilobytes that expand to n bytes.
func zeroBomb(t testing.TB, name string, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: n, Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(tw, zeros{}, n); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// scanBounded scans ref under lim and fails the test when the scan is slow.
func scanBounded(t *testing.T, ref string, lim limits.Limits) *Result {
	t.Helper()
	ctx := limits.With(context.Background(), lim)
	start := time.Now()
	res, err := Scan(ctx, ref, Options{NoSecrets: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("scan took %s", d)
	}
	return res
}

func skippedReasons(sk []finding.Skipped) []string {
	var out []string
	for _, s := range sk {
		out = append(out, s.Path+": "+s.Reason)
	}
	return out
}

func TestManyLayers(t *testing.T) {
	one := makeTar(t, reg("f", "x"))
	var layers []testLayer
	for range 3000 {
		layers = append(layers, testLayer{blob: one, diffID: diffIDOf(one)})
	}
	ref := writeDockerArchive(t, layers)
	res := scanBounded(t, ref, limits.Limits{Layers: 64})
	want := []string{ref + ": layers 64 to 2999 (of 3000) not read: budget: layers exceeded 64"}
	if d := cmp.Diff(want, skippedReasons(res.Skipped)); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	if len(res.Layers) != 64 {
		t.Errorf("%d layers reported, want the 64 read", len(res.Layers))
	}
}

func TestDecompressionBomb(t *testing.T) {
	bomb := zeroBomb(t, "zeros", 64<<20)
	ok := makeTar(t, reg("etc/ok", "fine\n"))
	ref := writeDockerArchive(t, []testLayer{
		{blob: ok, diffID: diffIDOf(ok)},
		{blob: bomb, diffID: "sha256:" + strings.Repeat("0", 64)},
		{blob: ok, diffID: diffIDOf(ok)},
	})
	res := scanBounded(t, ref, limits.Limits{LayerBytes: 8 << 20})
	want := []string{ref + `: layer 1 (sha256:000000000000): reading tar after 1 entries: budget: layer sha256:000000000000 decompressed size exceeded 8 MiB; the rest of the layer is not read`}
	if d := cmp.Diff(want, skippedReasons(res.Skipped)); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	// What was read is still reported, and a layer cut short is not
	// judged against its diff_id.
	if _, err := fs.Stat(res.View, "etc/ok"); err != nil {
		t.Errorf("the layers around the bomb were not read: %v", err)
	}
	for _, f := range res.Findings {
		if f.CheckID == checkDiffIDMismatch().Meta.ID {
			t.Errorf("unexpected %s", f.Message)
		}
	}
}

func TestImageBudget(t *testing.T) {
	big := makeTar(t, tarEntry{name: "blob", typ: tar.TypeReg, mode: 0o644, size: 3 << 20})
	var layers []testLayer
	for range 4 {
		layers = append(layers, testLayer{blob: big, diffID: diffIDOf(big)})
	}
	ref := writeDockerArchive(t, layers)
	res := scanBounded(t, ref, limits.Limits{ImageBytes: 7 << 20})
	want := []string{
		ref + `: layer 2 (` + shortDigestOf(diffIDOf(big)) + `): reading tar after 1 entries: budget: image decompressed size exceeded 7 MiB; the rest of the layer is not read`,
		ref + ": layer 3 (of 4) not read: budget: image decompressed size exceeded 7 MiB",
	}
	if d := cmp.Diff(want, skippedReasons(res.Skipped)); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
}

func shortDigestOf(d string) string { return d[:len("sha256:")+12] }

func TestDiffIDMismatch(t *testing.T) {
	good := makeTar(t, reg("etc/os-release", "ID=alpine\n"))
	swapped := makeTar(t, reg("usr/bin/evil", "#!/bin/sh\n"))
	ref := writeDockerArchive(t, []testLayer{
		{blob: good, diffID: diffIDOf(good)},
		{blob: gz(t, swapped), diffID: diffIDOf(good)}, // declares the first layer's digest
	})
	res := scanBounded(t, ref, limits.Limits{})
	var got []string
	for _, f := range res.Findings {
		if f.CheckID == checkDiffIDMismatch().Meta.ID {
			got = append(got, f.Location.Object+": "+f.Message)
		}
	}
	want := []string{fmt.Sprintf("layer 1 (%s): layer 1 declares diff_id %s but its content hashes to %s", shortDigestOf(diffIDOf(good)), diffIDOf(good), diffIDOf(swapped))}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("FC-IMG-010 findings (-want +got):\n%s", d)
	}
	if res.Layers[0].ComputedDiffID != diffIDOf(good) || res.Layers[1].ComputedDiffID != diffIDOf(swapped) {
		t.Errorf("computed diff IDs %q, %q", res.Layers[0].ComputedDiffID, res.Layers[1].ComputedDiffID)
	}
}

// TestLargeKeptFileStaysOnDisk: a large file a scanner wants (here a
// would-be Go binary) is spooled to disk, not held in memory, and still
// reads back whole through the view.
func TestLargeKeptFileStaysOnDisk(t *testing.T) {
	const size = 48 << 20
	body := bytes.Repeat([]byte{'A'}, size)
	copy(body, "\x7fELF")
	copy(body[size-len(goBuildInfoMagic)-10:], goBuildInfoMagic)
	layer := makeTar(t, tarEntry{name: "usr/local/bin/server", typ: tar.TypeReg, mode: 0o755, body: string(body)})
	body = nil
	lim := Limits{MaxInMemory: 1 << 20}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	pf, err := newPkgFinder()
	if err != nil {
		t.Fatal(err)
	}
	v, sk, err := BuildView(context.Background(), []Layer{rawLayer("sha256:big", layer)}, WalkOptions{Limits: lim, Keep: pf.keep})
	if err != nil || len(sk) > 0 {
		t.Fatalf("BuildView: %v, %v", err, sk)
	}
	defer v.Close()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
		t.Errorf("heap grew by %d MiB for a %d MiB file", grew>>20, size>>20)
	}
	n, _, err := v.resolve("usr/local/bin/server", false)
	if err != nil || !n.kept || !n.spooled {
		t.Fatalf("file not kept on disk: %v %+v", err, n)
	}
	f, err := v.Open("usr/local/bin/server")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.Copy(io.Discard, f)
	if err != nil || got != size {
		t.Errorf("read back %d bytes, %v", got, err)
	}
	// A large binary that is not a Go binary is not kept.
	other := makeTar(t, tarEntry{name: "usr/local/bin/c", typ: tar.TypeReg, mode: 0o755, body: "\x7fELF" + strings.Repeat("B", 4<<20)})
	v2, _, err := BuildView(context.Background(), []Layer{rawLayer("sha256:c", other)}, WalkOptions{Limits: lim, Keep: pf.keep})
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if n, _, _ := v2.resolve("usr/local/bin/c", false); n == nil || n.kept || v2.spool.size != 0 {
		t.Errorf("a non-Go binary was kept (spool %d bytes)", v2.spool.size)
	}
}

// TestCancelMidLayer: a cancelled context stops the walk inside a huge
// layer promptly.
func TestCancelMidLayer(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		tw.WriteHeader(&tar.Header{Name: "huge", Mode: 0o644, Size: 1 << 40, Typeflag: tar.TypeReg})
		_, err := io.Copy(tw, zeros{})
		pw.CloseWithError(err)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := BuildView(ctx, []Layer{{DiffID: "sha256:huge", Open: func() (io.ReadCloser, error) { return pr, nil }}}, WalkOptions{})
	if err == nil {
		t.Error("BuildView ignored the cancelled context")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s after cancellation", d)
	}
	pr.Close()
}

// TestHostileTarEntries: entries that try to escape, loop, or claim
// special files never panic and are reported naming image, layer and path.
func TestHostileTarEntries(t *testing.T) {
	layer := makeTar(t,
		reg("../../etc/passwd", "x"),
		symlink("loop", "loop"), reg("loop/x", "y"),
		tarEntry{name: "dev/fifo", typ: tar.TypeFifo, mode: 0o644},
		tarEntry{name: "hard", typ: tar.TypeLink, link: "/etc/shadow"},
		reg(strings.Repeat("d/", 2040)+"deep", "z"),
		reg(strings.Repeat("e/", 3000)+"toolong", "z"),
	)
	ref := writeDockerArchive(t, []testLayer{{blob: layer, diffID: diffIDOf(layer)}})
	res := scanBounded(t, ref, limits.Limits{})
	got := skippedReasons(res.Skipped)
	for _, want := range []string{"../../etc/passwd: in layer 0", "loop/x: in layer 0", "hard: in layer 0", strings.Repeat("e/", 3000) + "toolong: in layer 0 (" + shortDigestOf(diffIDOf(layer)) + "): name of 6007 bytes, longer than PATH_MAX (4096)"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no skipped entry %q in %v", want, got)
		}
	}
}
