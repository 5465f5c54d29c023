package vulndb

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// secdbJSON is a secdb file as Alpine serves it (secdb.alpinelinux.org),
// with the entries' real shapes: several IDs in one entry, "0" for a
// package never affected, a fix listed twice.
const secdbJSON = `{
  "apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
  "archs": ["x86_64", "aarch64"],
  "reponame": "main",
  "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
  "distroversion": "v3.11",
  "packages": [
    {"pkg": {"name": "xen", "secfixes": {"4.9.0-r0": ["CVE-2017-8904 XSA-214", "XSA-207"]}}},
    {"pkg": {"name": "openssl", "secfixes": {"1.1.1d-r3": ["CVE-2019-1551"], "1.1.1d-r1": ["CVE-2019-1547"], "0": ["CVE-2019-9999"]}}},
    {"pkg": {"name": "libressl", "secfixes": {"3.0.2-r1": ["CVE-2019-1551"], "3.0.2-r10": ["CVE-2019-1551"]}}}
  ]
}`

func TestImportSecDB(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.json"), []byte(secdbJSON), 0o644)
	// The community file of the same release names the same CVE.
	os.WriteFile(filepath.Join(dir, "community.yaml"), []byte("distroversion: v3.11\nreponame: community\npackages:\n  - pkg:\n      name: nodejs\n      secfixes:\n        12.14.1-r0:\n          - CVE-2019-1551\n"), 0o644)
	// Wolfi's secdb names no release.
	os.WriteFile(filepath.Join(dir, "wolfi.json"), []byte(`{"reponame":"os","urlprefix":"https://packages.wolfi.dev","packages":[{"pkg":{"name":"git","secfixes":{"2.43.0-r1":["CVE-2024-32002"]}}}]}`), 0o644)
	// An OSV record beside them.
	os.WriteFile(filepath.Join(dir, "GHSA-x.json"), []byte(`{"id":"GHSA-xxxx-xxxx-xxxx","affected":[{"package":{"ecosystem":"npm","name":"x"},"versions":["1.0.0"]}]}`), 0o644)
	path := filepath.Join(t.TempDir(), "fourc.db")
	st, err := Import(context.Background(), path, dir, ImportOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Alpine:v3.11": 4, "Wolfi": 1, "npm": 1}
	if !cmp.Equal(st.Ecosystems, want) {
		t.Errorf("ecosystems %v, want %v", st.Ecosystems, want)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := func(id string) string {
		raw, err := db.Raw(id)
		if err != nil {
			t.Fatal(err)
		}
		var r Record
		json.Unmarshal(raw, &r)
		var b strings.Builder
		b.WriteString(strings.Join(r.Aliases, ",") + ";")
		for _, a := range r.Affected {
			b.WriteString(" " + a.Package.Ecosystem + "/" + a.Package.Name + "<" + a.Ranges[0].Events[1].Fixed)
		}
		return b.String()
	}
	for id, want := range map[string]string{
		"ALPINE-v3.11-CVE-2019-1551": "CVE-2019-1551; Alpine:v3.11/libressl<3.0.2-r1 Alpine:v3.11/nodejs<12.14.1-r0 Alpine:v3.11/openssl<1.1.1d-r3",
		"ALPINE-v3.11-CVE-2019-1547": "CVE-2019-1547; Alpine:v3.11/openssl<1.1.1d-r1",
		"ALPINE-v3.11-CVE-2017-8904": "CVE-2017-8904,XSA-214; Alpine:v3.11/xen<4.9.0-r0",
		"ALPINE-v3.11-XSA-207":       "XSA-207; Alpine:v3.11/xen<4.9.0-r0",
		"WOLFI-CVE-2024-32002":       "CVE-2024-32002; Wolfi/git<2.43.0-r1",
	} {
		if g := got(id); g != want {
			t.Errorf("%s = %q, want %q", id, g, want)
		}
	}
	if _, err := db.Raw("ALPINE-v3.11-CVE-2019-9999"); err == nil {
		t.Error(`a "0" fix (never affected) became a record`)
	}

	s := newSecDBSet()
	if err := s.add([]byte("distroversion: v3.11\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        \"4.8.0.-r1\":\n          - CVE-2020-1\n        1.0-r1:\n          - CVE-2020-2\n"), true); err != nil || s.badVersions != 1 || len(s.records()) != 1 {
		t.Errorf("a fixed version that is no apk version: %v, %d skipped, %d records; want it skipped alone", err, s.badVersions, len(s.records()))
	}

	// One secdb file can be imported alone; bad ones are refused by name.
	one := filepath.Join(dir, "main.json")
	if st, err := Import(context.Background(), filepath.Join(t.TempDir(), "one.db"), one, ImportOptions{}); err != nil || st.Records != 4 {
		t.Errorf("importing %s alone: %d records, %v", one, st.Records, err)
	}
	for name, body := range map[string]string{
		"norelease.json": `{"packages":[{"pkg":{"name":"a","secfixes":{"1-r0":["CVE-2020-1"]}}}],"distroversion":"edge-ish"}`,
		"badname.yaml":   "distroversion: v3.11\npackages:\n  - pkg:\n      name: \"a b\"\n      secfixes:\n        1.0-r0:\n          - CVE-2020-1\n",
		"notyaml.yaml":   "distroversion: [\n",
	} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := Import(context.Background(), filepath.Join(t.TempDir(), "bad.db"), p, ImportOptions{}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("importing %s: %v, want an error naming it", name, err)
		}
	}
}

// FuzzSecDB feeds arbitrary documents to the secdb reader, as JSON and as
// YAML: it must return an error or records that pass ParseRecord, without
// panicking.
func FuzzSecDB(f *testing.F) {
	f.Add([]byte(secdbJSON), false)
	f.Add([]byte("distroversion: v3.11\npackages:\n  - pkg:\n      name: musl\n      secfixes:\n        1.1.23-r2:\n          - CVE-2019-14697\n"), true)
	f.Add([]byte("a: &a [*a, *a]\n"), true)
	f.Add([]byte(`{"distroversion":"v3.1","packages":[{"pkg":{"name":"x","secfixes":{"1_rc1-r0":["GHSA-1-2 CVE-1-2"]}}}]}`), false)
	f.Fuzz(func(t *testing.T, data []byte, isYAML bool) {
		s := newSecDBSet()
		if err := s.add(data, isYAML); err != nil {
			return
		}
		for _, rec := range s.records() {
			if _, _, err := ParseRecord(rec); err != nil {
				t.Fatalf("secdb made an invalid record %s: %v", rec, err)
			}
		}
	})
}
