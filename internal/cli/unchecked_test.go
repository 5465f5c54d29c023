package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/vulndb"
)

// cdxSBOM is a CycloneDX SBOM of a Debian 12 image: three Debian packages
// and one Go module.
const cdxSBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
{"type":"library","name":"adduser","version":"3.134","purl":"pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12"},
{"type":"library","name":"apt","version":"2.6.1","purl":"pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12"},
{"type":"library","name":"base-files","version":"12.4+deb12u5","purl":"pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12"},
{"type":"library","name":"golang.org/x/text","version":"v0.3.7","purl":"pkg:golang/golang.org/x/text@v0.3.7"}]}`

// goOnlyDB builds a database holding one real-shaped Go record.
func goOnlyDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "GO-2022-1059.json"), []byte(`{"id":"GO-2022-1059","aliases":["CVE-2022-32149"],"summary":"Denial of service via crafted Accept-Language header in golang.org/x/text/language","affected":[{"package":{"ecosystem":"Go","name":"golang.org/x/text"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.3.8"}]}]}]}`), 0o644)
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := vulndb.Import(context.Background(), path, dir, vulndb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// skippedReport is the part of a JSON report the tests here read.
type skippedReport struct {
	Skipped []struct{ Path, Scanner, Reason string } `json:"skipped"`
	Notices []string                                 `json:"notices"`
}

// uncheckedReport checks that a run succeeded and decodes its JSON report.
func uncheckedReport(t *testing.T, code int, out, stderr string) skippedReport {
	t.Helper()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep skippedReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	return rep
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestUncheckedPackages scans an SBOM with Debian packages against a
// database without Debian records: the packages are named as not checked,
// with the command that fetches the data.
func TestUncheckedPackages(t *testing.T) {
	db := goOnlyDB(t)
	sbomFile := filepath.Join(t.TempDir(), "sbom.cdx.json")
	os.WriteFile(sbomFile, []byte(cdxSBOM), 0o644)
	code, out, stderr := run(t, "sbom", "scan", sbomFile, "--db", db, "--format", "json")
	rep := uncheckedReport(t, code, out, stderr)
	wantNotice := "3 Debian:12 packages not checked: run `fourc db update --ecosystem Debian`"
	found := false
	for _, n := range rep.Notices {
		found = found || n == wantNotice
		if strings.Contains(n, " Go packages not checked") {
			t.Errorf("Go packages reported unchecked with Go records present: %q", n)
		}
	}
	if !found {
		t.Errorf("notices %q lack %q", rep.Notices, wantNotice)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Path != "3 Debian:12 packages" ||
		!strings.Contains(rep.Skipped[0].Reason, "adduser 3.134, apt 2.6.1, base-files 12.4+deb12u5") {
		t.Errorf("skipped = %+v, want one entry listing the Debian packages", rep.Skipped)
	}
	if !strings.Contains(out, "GO-2022-1059") {
		t.Error("the Go module was not matched")
	}
}

// TestDamagedDatabaseCLI runs the commands that open the database on a
// truncated and a bit-flipped copy: one line naming the file and the fix,
// exit code 2, never a panic.
func TestDamagedDatabaseCLI(t *testing.T) {
	good, err := os.ReadFile(goOnlyDB(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, good[:len(good)/2], 0o644)
	flipped := filepath.Join(dir, "flipped.db")
	bad := bytes.Clone(good)
	for i := 16; i < 64; i++ { // the first meta page, then the second
		bad[i] ^= 0xff
		bad[len(good)/8+i] ^= 0xff
	}
	copy(bad[4096+16:4096+64], make([]byte, 48))
	os.WriteFile(flipped, bad, 0o644)
	sbomFile := filepath.Join(t.TempDir(), "sbom.cdx.json")
	os.WriteFile(sbomFile, []byte(cdxSBOM), 0o644)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.7\n"), 0o644)

	for _, db := range []string{truncated, flipped} {
		for _, args := range [][]string{
			{"db", "status", "--db", db},
			{"sbom", "scan", sbomFile, "--db", db},
			{"scan", src, "--scanners", "vuln", "--db", db},
			{"image", filepath.Join(t.TempDir(), "absent.tar"), "--db", db},
		} {
			code, _, stderr := run(t, args...)
			want := "vulnerability database \"" + db + "\" is damaged"
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "run `fourc db import --starter` or `fourc db update`") ||
				len(lines) != 1 || strings.Contains(stderr, "panic") {
				t.Errorf("fourc %s: exit %d, stderr:\n%s\nwant exit 2 and one line saying %q and the fix", strings.Join(args, " "), code, stderr, want)
			}
		}
	}
}

// TestUncheckedPackagesInScan: `fourc scan` of a tree with Python and Go
// dependencies against a Go-only database says the Python ones were not
// checked, and checks the Go ones.
func TestUncheckedPackagesInScan(t *testing.T) {
	db := goOnlyDB(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("django==2.2.0\nurllib3==1.24.1\n"), 0o644)
	code, out, stderr := run(t, "scan", dir, "--db", db, "--scanners", "vuln", "--format", "json", "--offline")
	rep := uncheckedReport(t, code, out, stderr)
	want := "2 PyPI packages not checked: run `fourc db update --ecosystem PyPI`"
	found := false
	for _, n := range rep.Notices {
		found = found || n == want
	}
	if !found {
		t.Errorf("notices %q, want %q", rep.Notices, want)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Path != "2 PyPI packages" || !strings.Contains(rep.Skipped[0].Reason, "django 2.2.0") {
		t.Errorf("skipped %+v, want the two PyPI packages", rep.Skipped)
	}
}
