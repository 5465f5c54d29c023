package vex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApplies(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "openvex.json"), filepath.Join("testdata", "cyclonedx-vex.json"))
	if err != nil {
		t.Fatal(err)
	}
	const net = "pkg:golang/golang.org/x/net@v0.16.0"
	tests := []struct {
		vuln, purl string
		status     Status
		just       string
		ok         bool
	}{
		// A product PURL without a version covers every version; aliases match.
		{"CVE-2023-39325", net, StatusNotAffected, "vulnerable_code_not_in_execute_path: the service never accepts HTTP/2", true},
		{"GHSA-4374-p667-p6c8", "pkg:golang/golang.org/x/net@v0.15.0", StatusNotAffected, "vulnerable_code_not_in_execute_path: the service never accepts HTTP/2", true},
		// Subcomponents count as the package.
		{"GO-2024-2687", net, StatusFixed, "fixed: backported in our fork", true},
		// The latest statement wins.
		{"CVE-2023-44487", net, StatusAffected, "", true},
		{"CVE-2023-44487", "pkg:golang/golang.org/x/net@v0.17.0", "", "", false},
		// CycloneDX: bom-refs resolve to PURLs, also in urn:cdx form.
		{"CVE-2023-45288", net, StatusNotAffected, "code_not_reachable: HTTP/2 disabled at the proxy", true},
		{"GHSA-qppj-fm5r-hxr3", net, StatusFixed, "fixed: patched", true},
		{"CVE-2024-0001", "pkg:npm/lodash@4.17.20", StatusAffected, "", true},
		{"CVE-2024-0002", net, "", "", false}, // no analysis, no statement
		{"CVE-1999-0001", net, "", "", false},
		{"CVE-2023-45288", "pkg:npm/lodash@4.17.20", "", "", false},
	}
	for _, tc := range tests {
		st, just, ok := s.Applies(tc.vuln, tc.purl)
		if st != tc.status || just != tc.just || ok != tc.ok {
			t.Errorf("Applies(%s, %s) = %q, %q, %v; want %q, %q, %v", tc.vuln, tc.purl, st, just, ok, tc.status, tc.just, tc.ok)
		}
	}
	if !StatusNotAffected.Suppresses() || !StatusFixed.Suppresses() || StatusAffected.Suppresses() || StatusUnderInvestigation.Suppresses() {
		t.Error("Suppresses: wrong")
	}
	var nilS *Statements
	if _, _, ok := nilS.Applies("x", "y"); ok || nilS.Len() != 0 {
		t.Error("nil Statements apply")
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"not json":    "nope",
		"unknown":     `{"hello": "world"}`,
		"bad openvex": `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}], "status": "not_affected"}]}`,
		"bad cdx":     `{"bomFormat": "CycloneDX", "vulnerabilities": 5}`,
	}
	for name, content := range tests {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: Load = %v, want an error naming %s", name, err, p)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"openvex.json", "cyclonedx-vex.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.json")
		if err != nil {
			return
		}
		s.Applies("CVE-2023-39325", "pkg:golang/golang.org/x/net@v0.16.0")
	})
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "openvex.json"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse(data, "x"); err != nil {
			b.Fatal(err)
		}
	}
}
