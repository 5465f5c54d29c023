package image

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
