package image

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestCheckRef(t *testing.T) {
	ok := makeTar(t, reg("etc/os-release", "ID=alpine\n"))
	archive := writeDockerArchive(t, []testLayer{{blob: ok, diffID: diffIDOf(ok)}})
	notImage := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notImage, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref     string
		kind    Kind
		errPart string
	}{
		{archive, KindDockerArchive, ""},
		{"docker-archive:" + archive, KindDockerArchive, ""},
		{"registry.example.com/shop/api:1.4", KindRegistry, ""},
		{"registry:localhost:5000/app@sha256:" + strings.Repeat("a", 64), KindRegistry, ""},
		{"Bad Ref:::", "", "parsing reference"},
		{"./missing.tar", "", "reading"},
		{notImage, "", "neither a docker archive"},
		{t.TempDir(), "", "not an OCI layout"},
	}
	for _, tc := range tests {
		kind, err := CheckRef(tc.ref)
		switch {
		case tc.errPart == "" && (err != nil || kind != tc.kind):
			t.Errorf("CheckRef(%q) = %q, %v; want %q", tc.ref, kind, err, tc.kind)
		case tc.errPart != "" && (err == nil || !strings.Contains(err.Error(), tc.errPart)):
			t.Errorf("CheckRef(%q) error = %v, want one containing %q", tc.ref, err, tc.errPart)
		}
	}
}

// The asset of a scanned docker archive carries the names it was saved
// with, its digest and the fingerprints of all its findings.
func TestResultAsset(t *testing.T) {
	ok := makeTar(t, reg("etc/os-release", "ID=alpine\nVERSION_ID=3.20.0\n"))
	archive := writeDockerArchive(t, []testLayer{{blob: ok, diffID: diffIDOf(ok)}})
	res, err := Scan(context.Background(), archive, Options{NoSecrets: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Names, []string{"hostile:test"}) {
		t.Errorf("Names = %v, want the archive's RepoTags", res.Names)
	}
	a := res.Asset()
	if a.ID != "image:"+archive || a.Kind != "image" || a.Attrs["scanned"] != archive || a.Attrs["names"] != "hostile:test" ||
		a.Attrs["digest"] != res.Digest || a.Attrs["os"] != "alpine 3.20.0" || a.Resource != res.resource() {
		t.Errorf("asset = %+v", a)
	}
	if len(res.Findings) == 0 || len(a.Findings) != len(res.Findings) {
		t.Fatalf("asset claims %d findings of %d", len(a.Findings), len(res.Findings))
	}
	for i, f := range res.Findings {
		if a.Findings[i] != f.Fingerprint {
			t.Errorf("asset finding %d = %s, want %s", i, a.Findings[i], f.Fingerprint)
		}
	}
}

// An OCI layout names its image by the index's annotations: a full
// reference counts, a bare tag does not.
func TestLayoutNames(t *testing.T) {
	data := makeTar(t, reg("etc/os-release", "ID=alpine\n"))
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		annotations map[string]string
		want        []string
	}{
		{map[string]string{"org.opencontainers.image.ref.name": "registry.example.com/shop/api:1.4"}, []string{"registry.example.com/shop/api:1.4"}},
		{map[string]string{"org.opencontainers.image.ref.name": "1.4", "io.containerd.image.name": "docker.io/library/api:1.4"}, []string{"docker.io/library/api:1.4"}},
		{nil, nil},
	} {
		dir := t.TempDir()
		p, err := layout.Write(dir, empty.Index)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.AppendImage(img, layout.WithAnnotations(tc.annotations)); err != nil {
			t.Fatal(err)
		}
		res, err := Scan(context.Background(), dir, Options{NoSecrets: true, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Names, tc.want) {
			t.Errorf("annotations %v: Names = %v, want %v", tc.annotations, res.Names, tc.want)
		}
	}
}
