package vuln

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// vulndbVersion is the pinned golang.org/x/vulndb module with real Go OSV
// records in data/osv.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

var (
	realOnce sync.Once
	realDir  string
	realPath string
	realErr  error
)

// realOSVDir returns data/osv of the pinned vulndb module (downloaded through
// the module proxy when missing).
func realOSVDir(t testing.TB) string {
	t.Helper()
	realOnce.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion).Output()
		if err != nil {
			realErr = err
			return
		}
		var m struct{ Dir string }
		if realErr = json.Unmarshal(out, &m); realErr != nil {
			return
		}
		realDir = filepath.Join(m.Dir, "data", "osv")
		tmp, err := os.MkdirTemp("", "fourc-vuln-test-")
		if err != nil {
			realErr = err
			return
		}
		realPath = filepath.Join(tmp, "real.db")
		_, realErr = vulndb.Import(context.Background(), realPath, realDir, vulndb.ImportOptions{})
	})
	if realErr != nil {
		t.Fatalf("preparing the real Go vulnerability database: %v", realErr)
	}
	return realDir
}

// realDB opens a database built from every real record of the pinned
// vulndb module.
func realDB(t testing.TB) *vulndb.DB {
	t.Helper()
	realOSVDir(t)
	db, err := vulndb.Open(realPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fixtureDB builds a database from OSV records given as JSON strings.
func fixtureDB(t testing.TB, records ...string) *vulndb.DB {
	t.Helper()
	dir := t.TempDir()
	for i, r := range records {
		if err := os.WriteFile(filepath.Join(dir, "r"+string(rune('a'+i))+".json"), []byte(r), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "fixture.db")
	if _, err := vulndb.Import(context.Background(), path, dir, vulndb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type summary struct {
	ID, Fixed string
	Aliases   []string
	Severity  finding.Severity
}

func summarize(vs []Vulnerability) []summary {
	var out []summary
	for _, v := range vs {
		out = append(out, summary{ID: v.ID, Fixed: v.FixedVersion, Aliases: v.Aliases, Severity: v.Severity})
	}
	return out
}

func find(vs []Vulnerability, id string) *Vulnerability {
	for i := range vs {
		if vs[i].ID == id {
			return &vs[i]
		}
	}
	return nil
}

func TestMatchRealGoRecords(t *testing.T) {
	m := NewMatcher(realDB(t))
	ctx := context.Background()
	goPkg := func(name, version string) inventory.Package {
		return inventory.Package{Name: name, Version: version, Ecosystem: "Go"}
	}
	tests := []struct {
		pkg       inventory.Package
		want      string // an ID that must be reported ("" for none)
		wantFixed string
		absent    string // an ID that must not be reported
	}{
		{pkg: goPkg("golang.org/x/net", "0.16.0"), want: "GO-2023-2102", wantFixed: "0.17.0"},
		{pkg: goPkg("golang.org/x/net", "0.17.0"), absent: "GO-2023-2102"},
		{pkg: goPkg("stdlib", "1.20.5"), want: "GO-2023-2102", wantFixed: "1.20.10"},
		{pkg: goPkg("stdlib", "1.21.0"), want: "GO-2023-2102", wantFixed: "1.21.3"},
		{pkg: goPkg("stdlib", "1.21.3"), absent: "GO-2023-2102"},
		// GO-2022-0617 was withdrawn: every version of k8s.io/kubernetes
		// would otherwise match it.
		{pkg: goPkg("k8s.io/kubernetes", "1.20.0"), absent: "GO-2022-0617"},
	}
	for _, tc := range tests {
		t.Run(tc.pkg.String(), func(t *testing.T) {
			vs, err := m.Match(ctx, []inventory.Package{tc.pkg})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" {
				v := find(vs, tc.want)
				if v == nil {
					t.Fatalf("%s not reported; got %v", tc.want, summarize(vs))
				}
				if v.FixedVersion != tc.wantFixed {
					t.Errorf("fixed version = %q, want %q", v.FixedVersion, tc.wantFixed)
				}
				if diff := cmp.Diff([]string{"CVE-2023-39325", "GHSA-4374-p667-p6c8"}, v.Aliases); tc.want == "GO-2023-2102" && diff != "" {
					t.Errorf("aliases (-want +got):\n%s", diff)
				}
				if v.Severity != finding.SeverityUnknown {
					t.Errorf("severity = %s, want UNKNOWN (Go records carry none)", v.Severity)
				}
			}
			if tc.absent != "" && find(vs, tc.absent) != nil {
				t.Errorf("%s reported for %s", tc.absent, tc.pkg)
			}
		})
	}
}

func TestMatchSemantics(t *testing.T) {
	db := fixtureDB(t,
		// npm SEMVER range with two introduced/fixed pairs, unsorted.
		`{"id":"GHSA-aaaa-aaaa-aaaa","aliases":["CVE-2024-0001"],"summary":"npm bug",
		  "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
		  "affected":[{"package":{"ecosystem":"npm","name":"lodash"},
		   "ranges":[{"type":"SEMVER","events":[{"introduced":"5.0.0"},{"fixed":"5.2.1"},{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}`,
		// PyPI: a versions list plus an ECOSYSTEM range with last_affected,
		// and an alias of a second record (merged into one finding).
		`{"id":"PYSEC-2024-1","aliases":["GHSA-bbbb-bbbb-bbbb"],"summary":"pypi bug",
		  "affected":[{"package":{"ecosystem":"PyPI","name":"Django"},"versions":["3.2rc1"],
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0"},{"last_affected":"4.1.2"}]}]}]}`,
		`{"id":"GHSA-bbbb-bbbb-bbbb","aliases":["CVE-2024-0002"],"summary":"same pypi bug",
		  "database_specific":{"severity":"MODERATE"},
		  "affected":[{"package":{"ecosystem":"PyPI","name":"django"},
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0"},{"fixed":"4.1.3"}]}]}]}`,
		// Maven ECOSYSTEM ordering (1.10 > 1.9) and a CVSS v4 vector.
		`{"id":"GHSA-cccc-cccc-cccc","summary":"maven bug",
		  "severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}],
		  "affected":[{"package":{"ecosystem":"Maven","name":"org.example:lib"},
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.10"}]}]}]}`,
		// Debian, filed under the release; a v2 vector; a limit event.
		`{"id":"DEBIAN-CVE-2024-3","summary":"deb bug",
		  "severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}],
		  "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"3.0.0"},{"fixed":"3.0.11-1~deb12u2"}]}]}]}`,
		// GIT ranges are not evaluated; withdrawn records never match.
		`{"id":"OSV-GIT-1","affected":[{"package":{"ecosystem":"npm","name":"gitonly"},
		   "ranges":[{"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"0"}]}]}]}`,
		`{"id":"GHSA-dddd-dddd-dddd","withdrawn":"2024-01-01T00:00:00Z",
		  "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
	)
	m := NewMatcher(db)
	tests := []struct {
		pkg  inventory.Package
		want []summary
	}{
		{inventory.Package{Name: "lodash", Version: "4.17.20", Ecosystem: "npm"},
			[]summary{{ID: "GHSA-aaaa-aaaa-aaaa", Fixed: "4.17.21", Aliases: []string{"CVE-2024-0001"}, Severity: finding.SeverityCritical}}},
		{inventory.Package{Name: "lodash", Version: "5.1.0", Ecosystem: "npm"},
			[]summary{{ID: "GHSA-aaaa-aaaa-aaaa", Fixed: "5.2.1", Aliases: []string{"CVE-2024-0001"}, Severity: finding.SeverityCritical}}},
		{inventory.Package{Name: "lodash", Version: "4.17.21", Ecosystem: "npm"}, nil},
		{inventory.Package{Name: "lodash", Version: "5.2.1", Ecosystem: "npm"}, nil},
		{inventory.Package{Name: "django", Version: "3.2rc1", Ecosystem: "PyPI"},
			// Only PYSEC matches 3.2rc1; its alias's record rates it.
			[]summary{{ID: "PYSEC-2024-1", Aliases: []string{"GHSA-bbbb-bbbb-bbbb"}, Severity: finding.SeverityMedium}}},
		{inventory.Package{Name: "Django", Version: "4.1.2", Ecosystem: "PyPI"},
			[]summary{{ID: "PYSEC-2024-1", Fixed: "4.1.3", Aliases: []string{"CVE-2024-0002", "GHSA-bbbb-bbbb-bbbb"}, Severity: finding.SeverityMedium}}},
		{inventory.Package{Name: "django", Version: "4.1.3", Ecosystem: "PyPI"}, nil},
		{inventory.Package{Name: "django", Version: "3.2", Ecosystem: "PyPI"}, nil},
		{inventory.Package{Name: "org.example:lib", Version: "1.9", Ecosystem: "Maven"},
			[]summary{{ID: "GHSA-cccc-cccc-cccc", Fixed: "1.10", Severity: finding.SeverityMedium}}},
		{inventory.Package{Name: "org.example:lib", Version: "1.10", Ecosystem: "Maven"}, nil},
		{inventory.Package{Name: "openssl", Version: "3.0.0~alpha1-1", Ecosystem: "Debian:12"},
			[]summary{{ID: "DEBIAN-CVE-2024-3", Fixed: "3.0.11-1~deb12u2", Severity: finding.SeverityHigh}}},
		{inventory.Package{Name: "openssl", Version: "3.0.9-1", Ecosystem: "Debian:12"}, nil},
		{inventory.Package{Name: "gitonly", Version: "1.0.0", Ecosystem: "npm"}, nil},
		{inventory.Package{Name: "lodash", Version: "", Ecosystem: "npm"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.pkg.Ecosystem+"/"+tc.pkg.String(), func(t *testing.T) {
			vs, err := m.Match(context.Background(), []inventory.Package{tc.pkg})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(vs)); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCVSSBaseScore(t *testing.T) {
	tests := []struct {
		typ, vector string
		want        float64
		ok          bool
	}{
		{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, true},
		{"CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4, true},
		{"CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, true},
		{"CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, true},
		{"CVSS_V3", "not a vector", 0, false},
		{"Ubuntu", "high", 0, false},
	}
	for _, tc := range tests {
		got, ok := CVSSBaseScore(tc.typ, tc.vector)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CVSSBaseScore(%s, %q) = %v, %v; want %v, %v", tc.typ, tc.vector, got, ok, tc.want, tc.ok)
		}
	}
}

// BenchmarkMatch10k matches 10,000 Go packages (every module the real
// records name, at versions from their range events, then synthetic ones)
// against the real database: the work of `fourc sbom scan` on a large SBOM.
func BenchmarkMatch10k(b *testing.B) {
	db := realDB(b)
	names := map[string][]string{}
	files, _ := filepath.Glob(filepath.Join(realOSVDir(b), "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		r, _, err := vulndb.ParseRecord(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range r.Affected {
			for _, rg := range a.Ranges {
				for _, e := range rg.Events {
					if v := e.Introduced + e.Fixed; v != "" && v != "0" {
						names[a.Package.Name] = append(names[a.Package.Name], v)
					}
				}
			}
		}
	}
	var pkgs []inventory.Package
	for i := 0; len(pkgs) < 10000; i++ {
		for name, vs := range names {
			if len(pkgs) == 10000 {
				break
			}
			v := fmt.Sprintf("0.0.%d", i)
			if i < len(vs) {
				v = vs[i]
			}
			pkgs = append(pkgs, inventory.Package{Name: name, Version: v, Ecosystem: "Go"})
		}
	}
	m := NewMatcher(db)
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Match(context.Background(), pkgs); err != nil {
			b.Fatal(err)
		}
	}
}
