package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
	"github.com/fourc-dev/fourc/internal/sbom"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// testNow is the scan clock of the tests: Debian 12 is supported then.
var testNow = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// vulndbVersion is the golang.org/x/vulndb module whose data/osv holds the
// real Go advisories the tests match against.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

// fakeToken builds a GitHub-token-shaped string at run time, so that no
// secret-looking literal sits in the source.
func fakeToken(seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString("gh" + "p_")
	for i := range 36 {
		b.WriteByte(alphabet[int(sum[i%32]+byte(i*7))%len(alphabet)])
	}
	return b.String()
}

// goBinary builds a small program that depends on golang.org/x/net v0.17.0
// with the local Go toolchain.
func goBinary(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/webapp\n\ngo 1.22\n\nrequire golang.org/x/net v0.17.0\n",
		"main.go": `package main

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

func main() {
	doc, err := html.Parse(strings.NewReader("<p>hi</p>"))
	fmt.Println(doc != nil, err)
}
`,
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "webapp")
	cmd := exec.Command("go", "build", "-mod=mod", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the Go test binary: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type builtImage struct {
	img    v1.Image
	token  string
	digest string
}

var (
	debianOnce sync.Once
	debianImg  builtImage
	debianErr  string
)

// debianImage is the real Debian root file system plus the layers the
// tests add: a secret added then deleted, a setuid binary and a
// world-writable configuration file, and a Go binary with a vulnerable
// dependency. Built once per test binary.
func debianImage(t testing.TB) builtImage {
	t.Helper()
	debianOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				debianErr = fmt.Sprint(r)
			}
		}()
		debianImg = buildDebianImage(t)
	})
	if debianErr != "" {
		t.Fatalf("building the Debian test image: %s", debianErr)
	}
	if debianImg.img == nil {
		t.Fatal("building the Debian test image failed in another test")
	}
	return debianImg
}

func buildDebianImage(t testing.TB) builtImage {
	rootfs := imagetest.DebianRootfs(t)
	base, err := tarball.LayerFromFile(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	token := fakeToken("fourc image test")
	envToken := fakeToken("fourc image env")
	bin := goBinary(t)
	layer := func(entries ...tarEntry) v1.Layer {
		b := makeTar(t, entries...)
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	adds := []mutate.Addendum{
		{Layer: base, History: v1.History{CreatedBy: "ADD rootfs.tar / # debootstrap --variant=minbase bookworm"}},
		{Layer: layer(dir("app/"), reg("app/.env", "GITHUB_TOKEN="+token+"\n"), reg("app/config.yaml", "listen: :8080\n")),
			History: v1.History{CreatedBy: "COPY .env config.yaml /app/ # buildkit"}},
		{Layer: layer(dir("app/"), reg("app/.wh..env", "")),
			History: v1.History{CreatedBy: "RUN /bin/sh -c rm /app/.env # buildkit"}},
		{Layer: layer(dir("usr/"), dir("usr/local/"), dir("usr/local/bin/"),
			tarEntry{name: "usr/local/bin/suidtool", typ: tar.TypeReg, mode: 0o4755, body: "#!/bin/sh\nid\n"},
			dir("etc/"), tarEntry{name: "etc/app.conf", typ: tar.TypeReg, mode: 0o666, body: "debug=false\n"}),
			History: v1.History{CreatedBy: "RUN /bin/sh -c install -m 4755 suidtool /usr/local/bin/ # buildkit"}},
		{Layer: layer(dir("usr/"), dir("usr/local/"), dir("usr/local/bin/"),
			tarEntry{name: "usr/local/bin/webapp", typ: tar.TypeReg, mode: 0o755, body: string(bin)}),
			History: v1.History{CreatedBy: "COPY webapp /usr/local/bin/webapp # buildkit"}},
	}
	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "GITHUB_TOKEN=" + envToken}
	cf.Config.ExposedPorts = map[string]struct{}{"22/tcp": {}, "8080/tcp": {}}
	cf.Config.Cmd = []string{"/usr/local/bin/webapp"}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return builtImage{img: img, token: token, digest: d.String()}
}

// testDB imports the real Go advisories and a Debian advisory written here
// (no Debian package ships OSV data) into a fresh database.
func testDB(t testing.TB) *vulndb.DB {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion).Output()
	if err != nil {
		t.Fatalf("downloading golang.org/x/vulndb: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download gave no directory: %v", err)
	}
	deb := t.TempDir()
	rec := `{"schema_version":"1.6.0","id":"DEBIAN-TEST-0001","modified":"2026-01-01T00:00:00Z",
"summary":"apt test advisory","aliases":["CVE-2099-0001"],
"affected":[{"package":{"ecosystem":"Debian:12","name":"apt"},
"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.6.1+deb12u9"}]}]}]}`
	if err := os.WriteFile(filepath.Join(deb, "DEBIAN-TEST-0001.json"), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vuln.db")
	ctx := context.Background()
	for _, src := range []string{filepath.Join(mod.Dir, "data", "osv"), deb} {
		if _, err := vulndb.Import(ctx, path, src, vulndb.ImportOptions{}); err != nil {
			t.Fatalf("importing %s: %v", src, err)
		}
	}
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeOCIArchive packs an OCI layout directory into a tar file.
func writeOCIArchive(t testing.TB, layoutDir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(layoutDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(layoutDir, p)
		st, err := d.Info()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: st.Size(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// summary is a finding reduced to what the tests compare.
func summary(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s", f.CheckID, f.Location.Path, f.Message))
	}
	slices.Sort(out)
	return out
}

func hasFinding(fs []finding.Finding, id, contains string) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool {
		return f.CheckID == id && strings.Contains(f.Message+" "+f.Location.String(), contains)
	})
}

func TestScanDebianImageFromEverySource(t *testing.T) {
	ctx := context.Background()
	bi := debianImage(t)
	db := testDB(t)
	dir := t.TempDir()

	archive := filepath.Join(dir, "debian-docker.tar")
	tag, _ := name.NewTag("fourc.test/debian:test")
	if err := tarball.WriteToFile(archive, tag, bi.img); err != nil {
		t.Fatal(err)
	}
	lay := filepath.Join(dir, "layout")
	p, err := layout.Write(lay, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(bi.img); err != nil {
		t.Fatal(err)
	}
	ociTar := filepath.Join(dir, "debian-oci.tar")
	writeOCIArchive(t, lay, ociTar)
	reg := imagetest.Registry(t)
	ref := reg + "/fourc/debian:test"
	rref, _ := name.ParseReference(ref, name.Insecure)
	if err := remote.Write(rref, bi.img); err != nil {
		t.Fatalf("pushing to the registry: %v", err)
	}

	opts := Options{DB: db, Now: testNow}
	sources := []struct {
		ref      string
		kind     Kind
		insecure bool
	}{
		{archive, KindDockerArchive, false},
		{lay, KindOCILayout, false},
		{ociTar, KindOCIArchive, false},
		{ref, KindRegistry, true},
	}
	var first *Result
	for _, src := range sources {
		t.Run(string(src.kind), func(t *testing.T) {
			o := opts
			o.Insecure = src.insecure
			res, err := Scan(ctx, src.ref, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != src.kind {
				t.Errorf("kind = %s, want %s", res.Kind, src.kind)
			}
			if res.Digest != bi.digest {
				t.Errorf("digest = %s, want %s", res.Digest, bi.digest)
			}
			checkDebianResult(t, res, bi)
			if first == nil {
				first = res
				return
			}
			// Every source gives the same packages and the same findings,
			// except how the registry was reached.
			if d := cmp.Diff(first.Packages, res.Packages); d != "" {
				t.Errorf("packages differ from %s (-first +this):\n%s", first.Kind, d)
			}
			var mine []finding.Finding
			for _, f := range res.Findings {
				if f.CheckID != checkTagOnly().ID && f.CheckID != checkPlainHTTP().ID {
					mine = append(mine, f)
				}
			}
			if d := cmp.Diff(summary(first.Findings), summary(mine)); d != "" {
				t.Errorf("findings differ from %s (-first +this):\n%s", first.Kind, d)
			}
			if src.kind == KindRegistry {
				if !hasFinding(res.Findings, checkTagOnly().ID, "mutable tag") || !hasFinding(res.Findings, checkPlainHTTP().ID, "without TLS") {
					t.Errorf("registry scan lacks FC-IMG-007/008:\n%s", strings.Join(summary(res.Findings), "\n"))
				}
			}
		})
	}

	t.Run("registry by digest, verify key", func(t *testing.T) {
		res, err := Scan(ctx, reg+"/fourc/debian@"+bi.digest, Options{Insecure: true, Now: testNow, NoSecrets: true, VerifyKey: writePublicKey(t)})
		if err != nil {
			t.Fatal(err)
		}
		if hasFinding(res.Findings, checkTagOnly().ID, "") {
			t.Error("a digest reference was reported as tag-only")
		}
		if !hasFinding(res.Findings, "FC-SIG-001", "has no Cosign signature") || res.Signature == nil || len(res.Signature.Signatures) != 0 {
			t.Errorf("unsigned image not reported: %v", summary(res.Findings))
		}
	})
}

func checkDebianResult(t *testing.T, res *Result, bi builtImage) {
	t.Helper()
	if res.OS.ID != "debian" || res.OS.VersionID != "12" || res.OS.EOL.IsZero() {
		t.Errorf("OS = %+v, want Debian 12 with a known end of support", res.OS)
	}
	if len(res.Layers) != 5 || !strings.Contains(res.Layers[4].CreatedBy, "webapp") {
		t.Errorf("layers = %+v", res.Layers)
	}
	var dpkg, golang int
	byName := map[string]int{}
	for i, p := range res.Packages {
		switch {
		case strings.HasPrefix(p.Ecosystem, "Debian:12"):
			dpkg++
		case p.Ecosystem == "Go":
			golang++
		}
		byName[p.Name] = res.PackageLayers[i]
	}
	if dpkg < 70 || dpkg > 120 {
		t.Errorf("found %d Debian packages, want the 70-120 of a minbase system", dpkg)
	}
	if l, ok := byName["golang.org/x/net"]; !ok || l != 4 {
		t.Errorf("golang.org/x/net from the Go binary: layer %d, found %v; want layer 4", l, ok)
	}
	if l, ok := byName["apt"]; !ok || l != 0 {
		t.Errorf("apt: layer %d, found %v; want layer 0", l, ok)
	}
	for _, w := range []struct{ id, contains string }{
		{"FC-IMG-001", "config.User is empty"},
		{"FC-IMG-002", "22/tcp (SSH)"},
		{"FC-IMG-003", "no health check"},
		{"FC-IMG-004", "/usr/local/bin/suidtool is setuid"},
		{"FC-IMG-004", "/usr/bin/passwd is setuid"},
		{"FC-IMG-005", "/etc/app.conf is world-writable"},
		{"FC-IMG-009", "apt 2.6.1 is affected by DEBIAN-TEST-0001"},
		{"FC-IMG-009", "golang.org/x/net 0.17.0 is affected by GO-"},
		{"FC-SEC-006", "deleted in layer 2"},
		{"FC-SEC-006", "ENV GITHUB_TOKEN"},
	} {
		if !hasFinding(res.Findings, w.id, w.contains) {
			t.Errorf("no %s finding containing %q", w.id, w.contains)
		}
	}
	if !slices.ContainsFunc(res.Findings, func(f finding.Finding) bool {
		return f.CheckID == "FC-IMG-009" && f.Resource.Name == "golang.org/x/net@0.17.0" && strings.HasPrefix(f.Location.Object, "layer 4 (")
	}) {
		t.Error("the x/net vulnerability is not attributed to layer 4")
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message, bi.token) || strings.Contains(f.Location.Object, bi.token) {
			t.Fatalf("a finding prints the secret in full: %s", f.Message)
		}
	}
	if hasFinding(res.Findings, "FC-IMG-006", "") {
		t.Error("Debian 12 reported past its end of support in 2026")
	}
	if !slices.ContainsFunc(res.Removed, func(r Removed) bool { return r.Path == "app/.env" && r.AddedIn == 1 && r.RemovedIn == 2 }) {
		t.Errorf("removed = %+v, want app/.env added in 1, removed in 2", res.Removed)
	}
}

// writePublicKey writes a fresh ECDSA public key as PEM, as cosign.pub.
func writePublicKey(t testing.TB) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteSBOM(t *testing.T) {
	bi := debianImage(t)
	archive := filepath.Join(t.TempDir(), "debian.tar")
	tag, _ := name.NewTag("fourc.test/debian:sbom")
	if err := tarball.WriteToFile(archive, tag, bi.img); err != nil {
		t.Fatal(err)
	}
	for _, format := range []sbom.Format{sbom.CycloneDX, sbom.SPDX} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			res, err := WriteSBOM(context.Background(), &buf, archive, format, Options{}, sbom.Meta{Tool: "fourc", Created: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) == 0 {
				t.Error("the SBOM scan lost the image checks")
			}
			doc, err := sbom.Decode(context.Background(), &buf, "sbom.json")
			if err != nil || doc.Format != format {
				t.Fatalf("reading the SBOM back: %v (%v)", err, doc)
			}
			pkgs := doc.Packages
			want := map[string]bool{}
			for _, p := range res.Packages {
				want[p.Name+"@"+p.Version] = true
			}
			have := map[string]bool{}
			for _, p := range pkgs {
				have[p.Name+"@"+p.Version] = true
			}
			if d := cmp.Diff(want, have); d != "" {
				t.Errorf("SBOM packages (-scan +sbom):\n%s", d)
			}
			for _, p := range []string{"apt@2.6.1", "golang.org/x/net@0.17.0"} {
				if !have[p] {
					t.Errorf("SBOM lacks %s", p)
				}
			}
		})
	}
}
