package vuln_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vuln"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// sharedData is the folder of real public advisory data the tests read
// (Alpine's secdb, PyPI's OSV export; see its README): $FOURC_TEST_DATA,
// or the project's shared/data folder beside the repository (where CI and
// every developer machine have it). Nothing here edits it.
func sharedData() string {
	if d := os.Getenv("FOURC_TEST_DATA"); d != "" {
		return d
	}
	// The test runs in internal/vuln: the repository is two levels up.
	if abs, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data")); err == nil {
		return abs
	}
	return filepath.Join("..", "..", "..", "shared", "data")
}

// importDB builds a database from sources (directories, zips or files).
func importDB(t testing.TB, sources ...string) *vulndb.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fourc.db")
	for _, src := range sources {
		if _, err := os.Stat(src); err != nil {
			t.Fatalf("advisory data %s (set FOURC_TEST_DATA to the folder of real advisory data): %v", src, err)
		}
		if _, err := vulndb.Import(context.Background(), path, src, vulndb.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// imageTar writes a docker-archive image of layers to a
// temporary file and returns its path.
func imageTar(t testing.TB, layers ...v1.Layer) string {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "image.tar")
	tag, _ := name.NewTag("fourc.test/os:1")
	if err := tarball.WriteToFile(out, tag, img); err != nil {
		t.Fatal(err)
	}
	return out
}

// filesLayer is a layer holding regular files.
func filesLayer(t testing.TB, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[n]))})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var idInMessage = regexp.MustCompile(`is affected by (\S+)(?: \(([^)]*)\))?`)

// verdicts lists "package version: IDs" for every vulnerable-package
// finding, sorted.
func verdicts(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		m := idInMessage.FindStringSubmatch(f.Message)
		if m == nil {
			continue
		}
		pkg, _, _ := strings.Cut(f.Message, " is affected by")
		pkg, _, _ = strings.Cut(pkg, " (source")
		out = append(out, pkg+": "+strings.TrimSuffix(m[1], ":"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// alpineInstalled is an apk installed-package database with packages and
// versions of Alpine 3.11 (libcrypto1.1 and libssl1.1 are built from
// openssl).
const alpineInstalled = `P:musl
V:1.1.24-r0
A:x86_64
o:musl

P:busybox
V:1.31.1-r9
A:x86_64
o:busybox

P:libcrypto1.1
V:1.1.1d-r2
A:x86_64
o:openssl

P:libssl1.1
V:1.1.1d-r2
A:x86_64
o:openssl

P:curl
V:7.67.0-r0
A:x86_64
o:curl

P:ansible
V:2.9.2-r0
A:noarch
o:ansible

P:libxml2
V:2.9.10-r2
A:x86_64
o:libxml2

`

// TestAlpineSecDB imports Alpine's real security database (v3.3–v3.11,
// main and community, YAML) and scans an Alpine 3.11 image whose
// installed packages are matched by their origin package:
//   - openssl 1.1.1d-r2: CVE-2019-1551 is fixed in 1.1.1d-r3, so affected;
//     CVE-2019-1547/1549/1563 (fixed 1.1.1d-r1) are not.
//   - ansible 2.9.2-r0: CVE-2019-14904 and -14905 are fixed in 2.9.3-r0.
//   - musl 1.1.24-r0, busybox 1.31.1-r9, curl 7.67.0-r0, libxml2 2.9.10-r2
//     are above every fix listed for them in v3.11.
func TestAlpineSecDB(t *testing.T) {
	db := importDB(t, filepath.Join(sharedData(), "alpine-secdb"))
	st := db.Status()
	if st.Ecosystems["Alpine:v3.11"] < 500 || st.Ecosystems["Alpine:v3.3"] == 0 {
		t.Errorf("secdb import: ecosystems %v, want every release from v3.3 to v3.11", st.Ecosystems)
	}
	ref := imageTar(t, filesLayer(t, map[string]string{
		"etc/os-release":       "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.11.3\nPRETTY_NAME=\"Alpine Linux v3.11\"\n",
		"etc/alpine-release":   "3.11.3\n",
		"lib/apk/db/installed": alpineInstalled,
	}))
	res, err := image.Scan(context.Background(), ref, image.Options{DB: db, NoSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ansible 2.9.2-r0: ALPINE-v3.11-CVE-2019-14904",
		"ansible 2.9.2-r0: ALPINE-v3.11-CVE-2019-14905",
		"libcrypto1.1 1.1.1d-r2: ALPINE-v3.11-CVE-2019-1551",
		"libssl1.1 1.1.1d-r2: ALPINE-v3.11-CVE-2019-1551",
	}
	if diff := cmp.Diff(want, verdicts(res.Findings)); diff != "" {
		t.Errorf("verdicts on Alpine 3.11 (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "CVE-2019-1551") && !strings.Contains(f.Message, "fixed in 1.1.1d-r3") {
			t.Errorf("finding does not name the fix: %s", f.Message)
		}
	}

	// The same packages at the fixed versions are clean.
	m := vuln.NewMatcher(db)
	for _, p := range []inventory.Package{
		{Name: "openssl", Version: "1.1.1d-r3", Ecosystem: "Alpine:v3.11"},
		{Name: "ansible", Version: "2.9.3-r0", Ecosystem: "Alpine:v3.11"},
	} {
		vs, err := m.Match(context.Background(), []inventory.Package{p})
		if err != nil || len(vs) != 0 {
			t.Errorf("%s at its fixed version: %d vulnerabilities, %v", p, len(vs), err)
		}
	}
	// A release's own records only: ansible 2.9.2-r0 on v3.10 is checked
	// against v3.10's secdb, which lists no fix above 2.8.
	vs, err := m.Match(context.Background(), []inventory.Package{{Name: "ansible", Version: "2.9.2-r0", Ecosystem: "Alpine:v3.10"}})
	if err != nil || len(vs) != 0 {
		t.Errorf("ansible 2.9.2-r0 on v3.10: %v, %v; want none", vs, err)
	}
}

// TestPyPIRealRecords matches PyPI packages against the 2,661 real PYSEC
// records. The verdicts follow from the records' ranges under PEP 440:
// django 2.2.0 (= 2.2) lies in PYSEC-2020-35's [2.2, 2.2.10); urllib3
// 1.24.1 in PYSEC-2023-192's [0, 1.26.17); both at the fixed versions are
// outside.
func TestPyPIRealRecords(t *testing.T) {
	db := importDB(t, filepath.Join(sharedData(), "pypi-osv", "all.zip"))
	if n := db.Status().Ecosystems["PyPI"]; n < 2600 {
		t.Fatalf("PyPI records: %d, want the 2,661 of the export", n)
	}
	m := vuln.NewMatcher(db)
	tests := []struct {
		pkg    inventory.Package
		id     string
		want   bool
		fixed  string
		minAll int // at least this many vulnerabilities in all
	}{
		{inventory.Package{Name: "django", Version: "2.2.0", Ecosystem: "PyPI"}, "PYSEC-2020-35", true, "2.2.10", 10},
		{inventory.Package{Name: "Django", Version: "2.2.10", Ecosystem: "PyPI"}, "PYSEC-2020-35", false, "", 1},
		{inventory.Package{Name: "urllib3", Version: "1.24.1", Ecosystem: "PyPI"}, "PYSEC-2023-192", true, "1.26.17", 3},
		{inventory.Package{Name: "urllib3", Version: "1.26.17", Ecosystem: "PyPI"}, "PYSEC-2023-192", false, "", 1},
	}
	for _, tc := range tests {
		vs, err := m.Match(context.Background(), []inventory.Package{tc.pkg})
		if err != nil {
			t.Fatal(err)
		}
		var got *vuln.Vulnerability
		for i := range vs {
			if slices.Contains(vs[i].IDs(), tc.id) {
				got = &vs[i]
			}
		}
		if (got != nil) != tc.want {
			t.Errorf("%s: affected by %s = %v, want %v", tc.pkg, tc.id, got != nil, tc.want)
		}
		if got != nil && got.FixedVersion != tc.fixed {
			t.Errorf("%s: %s fixed in %q, want %q", tc.pkg, tc.id, got.FixedVersion, tc.fixed)
		}
		if tc.want && len(vs) < tc.minAll {
			t.Errorf("%s: %d vulnerabilities, want at least %d", tc.pkg, len(vs), tc.minAll)
		}
		t.Logf("%s: %d vulnerabilities", tc.pkg, len(vs))
	}
}

// TestDebianRootfs scans the real Debian 12 root file system the image
// tests build (debootstrap --variant=minbase bookworm, current point
// release) against OSV records written from real DSA and security-tracker
// facts (testdata/debian). Every DSA below is fixed in the installed
// versions — glibc 2.36-9+deb12uN with N >= 7 — which only a dpkg-order
// comparison gets right ("deb12u14" sorts below "deb12u3" as a string);
// the three unfixed issues affect every bookworm system.
func TestDebianRootfs(t *testing.T) {
	rootfs := imagetest.DebianRootfs(t)
	base, err := tarball.LayerFromFile(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	db := importDB(t, filepath.Join("testdata", "debian"))
	ref := imageTar(t, base)
	res, err := image.Scan(context.Background(), ref, image.Options{DB: db, NoSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range verdicts(res.Findings) {
		pkg, id, _ := strings.Cut(v, ": ")
		name, _, _ := strings.Cut(pkg, " ")
		got = append(got, name+": "+id)
	}
	want := []string{
		"libc-bin: DEBIAN-CVE-2019-1010022",
		"libc6: DEBIAN-CVE-2019-1010022",
		"perl-base: DEBIAN-CVE-2011-4116",
		"tar: DEBIAN-CVE-2005-2541",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts on Debian bookworm (-want +got):\n%s", diff)
	}
	if len(res.Packages) < 80 {
		t.Errorf("%d packages found in the root file system, want the ~88 of minbase", len(res.Packages))
	}

	// Records are per release: the same packages on Debian 11 are not
	// matched against Debian 12's records.
	m := vuln.NewMatcher(db)
	vs, err := m.Match(context.Background(), []inventory.Package{{Name: "tar", Version: "1.34+dfsg-1", Ecosystem: "Debian:11"}})
	if err != nil || len(vs) != 0 {
		t.Errorf("tar on Debian 11 against Debian 12 records: %d vulnerabilities, %v", len(vs), err)
	}
	// One deb12u below each fix is affected.
	for _, p := range []inventory.Package{
		{Name: "glibc", Version: "2.36-9+deb12u2", Ecosystem: "Debian:12"},
		{Name: "util-linux", Version: "2.38.1-5", Ecosystem: "Debian:12"},
		{Name: "shadow", Version: "1:4.13+dfsg1-1", Ecosystem: "Debian:12"},
	} {
		vs, err := m.Match(context.Background(), []inventory.Package{p})
		if err != nil {
			t.Fatal(err)
		}
		var fixed []string
		for _, v := range vs {
			if v.FixedVersion != "" {
				fixed = append(fixed, v.ID+"<"+v.FixedVersion)
			}
		}
		if len(fixed) == 0 {
			t.Errorf("%s: no fixed vulnerability matched below the fix", p)
		}
		t.Logf("%s: %v", p, fixed)
	}
}
