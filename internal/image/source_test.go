package image

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// multiArch is an index of two images, linux/amd64 and linux/arm64.
func multiArch(t *testing.T) (v1.ImageIndex, map[string]string) {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	digests := map[string]string{}
	for i, arch := range []string{"amd64", "arm64"} {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", arch
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		digests[arch] = d.String()
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "linux", Architecture: arch}, Annotations: map[string]string{"i": string(rune('0' + i))}}})
	}
	return idx, digests
}

func TestPlatformSelection(t *testing.T) {
	ctx := context.Background()
	idx, digests := multiArch(t)
	dir := filepath.Join(t.TempDir(), "layout")
	if _, err := layout.Write(dir, idx); err != nil {
		t.Fatal(err)
	}
	reg := imagetest.Registry(t)
	ref := reg + "/fourc/multi:1"
	r, _ := name.ParseReference(ref, name.Insecure)
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{dir, ref} {
		for _, arch := range []string{"amd64", "arm64"} {
			res, err := Scan(ctx, src, Options{Platform: "linux/" + arch, Insecure: true, NoSecrets: true, Now: testNow})
			if err != nil {
				t.Fatalf("%s for %s: %v", src, arch, err)
			}
			if res.Digest != digests[arch] || res.Platform != "linux/"+arch {
				t.Errorf("%s for %s: got %s (%s), want %s", src, arch, res.Digest, res.Platform, digests[arch])
			}
		}
		_, err := Scan(ctx, src, Options{Platform: "linux/s390x", Insecure: true, NoSecrets: true})
		if err == nil || !strings.Contains(err.Error(), "s390x") {
			t.Errorf("%s for a missing platform: error %v", src, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.tar")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a tar ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "emptydir")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ ref, want string }{
		{junk, "is neither a docker archive nor an OCI tarball"},
		{empty, "is not an OCI layout (no index.json)"},
		{"UPPER/Case:tag", `parsing reference "UPPER/Case:tag"`},
		{"oci:" + filepath.Join(dir, "missing"), "reading OCI layout"},
		// A missing file is missing, not a malformed image reference.
		{dir + "/x.tar", "reading \"" + dir + "/x.tar\": stat " + dir + "/x.tar: no such file or directory"},
		{"x.tar", `reading "x.tar": stat x.tar: no such file or directory`},
		{"./missing", `reading "./missing": stat ./missing: no such file or directory`},
		// A well-formed reference goes to the registry.
		{"registry.invalid/team/app:1.0", `fetching "registry.invalid/team/app:1.0"`},
		{"localhost:5000/app.tar", `fetching "localhost:5000/app.tar"`},
	}
	for _, tt := range tests {
		_, err := Scan(context.Background(), tt.ref, Options{Platform: "linux/amd64", Transport: refuseAll{}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Scan(%q) error = %v, want it to contain %q", tt.ref, err, tt.want)
		}
	}
}

// refuseAll fails every request, so that no test reaches the network.
type refuseAll struct{}

func (refuseAll) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("no network in tests: %s", r.URL.Host)
}
