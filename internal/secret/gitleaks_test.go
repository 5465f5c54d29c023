package secret

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

func TestGitleaksFixtureConfig(t *testing.T) {
	d, err := NewDetector(Options{GitleaksConfig: fixtureConfig})
	if err != nil {
		t.Fatal(err)
	}
	sk := d.Skipped()
	if len(sk) != 1 || sk[0].Path != fixtureConfig || sk[0].Scanner != "secret" ||
		!strings.Contains(sk[0].Reason, `rule "lookahead-password" skipped`) || !strings.Contains(sk[0].Reason, "lookahead") {
		t.Errorf("want the lookahead rule skipped with a reason, got %v", sk)
	}
	ms := d.Scan([]byte("ACME_TOKEN=acme_k3v9q2m8x7w1z5r4t6y0u2i8o3p7l1a9\n"))
	if len(ms) != 1 || ms[0].RuleID != customID || ms[0].Rule != "acme-api-token" {
		t.Fatalf("want one FC-SEC-900 match of acme-api-token, got %+v", ms)
	}
	f := d.Finding(ms[0], finding.Resource{Kind: "file", Name: "a.env"}, finding.Location{Path: "a.env"}, "a.env")
	if !strings.Contains(f.Message, `gitleaks rule "acme-api-token"`) || f.CheckID != customID || f.Location.StartLine != 1 {
		t.Errorf("finding %+v: want FC-SEC-900 naming the gitleaks rule, on line 1", f)
	}
	ids := map[string]bool{}
	for _, m := range d.Checks() {
		ids[m.ID] = true
	}
	if !ids[customID] || !ids["FC-SEC-001"] {
		t.Errorf("Checks() = %v: want the built-ins and FC-SEC-900", ids)
	}
}

// TestGitleaksTranslation covers the parts of the Gitleaks format fourc
// reads: keywords, secretGroup, entropy, path rules, rule and global
// allowlists (both spellings), conditions, targets and targeted lists.
func TestGitleaksTranslation(t *testing.T) {
	const config = `
[[rules]]
id = "internal-key"
regex = '''(?i)internal[_-]?key\s*[:=]\s*"(ik_[0-9a-z]{24})"'''
secretGroup = 1
entropy = 3
keywords = ["internal"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''// allow-this-line''']
[[rules.allowlists]]
condition = "AND"
stopwords = ["ik_0000"]
paths = ['''^fixtures/''']

[[rules]]
id = "pkcs12-file"
description = "PKCS#12 key store"
path = '''\.p12$'''

[[rules]]
id = "second-group"
regex = '''(corp)-([A-Z0-9]{20})'''
secretGroup = 2
keywords = ["corp-"]

[allowlist]
paths = ['''(^|/)docs/''']
stopwords = ["ik_fff"]

[[allowlists]]
targetRules = ["second-group"]
regexes = ['''^AAAA''']
`
	dir := t.TempDir()
	path := filepath.Join(dir, "gitleaks.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewScanner(Options{GitleaksConfig: path})
	if err != nil {
		t.Fatal(err)
	}
	d := s.Detector()
	if sk := d.Skipped(); len(sk) != 0 {
		t.Errorf("skipped: %v", sk)
	}
	key := "ik_7hq2m9x4v1c8z3r6t0y5w2p8"
	tests := []struct {
		name, path, data string
		want             []string // rule names
	}{
		{"secret group", "a.go", `internalKey: "` + key + `"`, []string{"internal-key"}},
		{"line allowlist", "a.go", `internal_key = "` + key + `" // allow-this-line`, nil},
		{"AND allowlist, path only", "fixtures/a.go", `internal_key = "` + key + `"`, []string{"internal-key"}},
		{"AND allowlist, both", "fixtures/a.go", `internal_key = "ik_0000m9x4v1c8z3r6t0y5w2"`, nil},
		{"global stopword", "a.go", `internal_key = "ik_fffm9x4v1c8z3r6t0y5w2p8"`, nil},
		{"low entropy", "a.go", `internal_key = "ik_aaaaaaaaaaaaaaaaaaaaaaaa"`, nil},
		{"group 2", "b.txt", "corp-Q7W2E9R4T1Y8U3I6O0P5", []string{"second-group"}},
		{"targeted allowlist", "b.txt", "corp-AAAAE9R4T1Y8U3I6O0P5", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range d.ScanFile(tt.path, []byte(tt.data)) {
			got = append(got, m.Rule)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: rules (-want +got):\n%s", tt.name, diff)
		}
	}
	if s.Wants("docs/setup.md") {
		t.Error("a path in the global allowlist must not be wanted")
	}
	if !s.Wants("certs/client.p12") {
		t.Error("a file named by a path rule must be wanted")
	}
	if got := d.matchPath("certs/client.p12"); len(got) != 1 || got[0].Rule != "pkcs12-file" {
		t.Errorf("matchPath = %+v, want the pkcs12-file rule", got)
	}
}

func TestGitleaksSkippedRules(t *testing.T) {
	const config = `
[extend]
url = "https://example.org/gitleaks.toml"
[[rules]]
id = "lookbehind"
regex = '''(?<=key=)[a-z]{10}'''
[[rules]]
id = "backref"
regex = '''(a)\1'''
[[rules]]
id = "composite"
regex = '''x'''
[[rules.required]]
id = "lookbehind"
[[rules]]
id = "bad-group"
regex = '''(a)'''
secretGroup = 3
[[rules]]
id = "bad-condition"
regex = '''abc'''
[[rules.allowlists]]
condition = "XOR"
[[rules]]
description = "no id"
regex = '''abc'''
[[rules]]
id = "nothing"
`
	set, _, err := parseGitleaks([]byte(config), "cfg.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.rules) != 0 {
		t.Errorf("want no usable rule, got %d", len(set.rules))
	}
	var reasons []string
	for _, s := range set.skipped {
		reasons = append(reasons, s.Reason)
	}
	for _, want := range []string{
		`extend.url "https://example.org/gitleaks.toml" not fetched`,
		`rule "lookbehind" skipped: regexp uses a lookbehind "(?<="`,
		`rule "backref" skipped: compiling regexp`,
		`rule "composite" skipped: composite rules`,
		`rule "bad-group" skipped: secretGroup 3 but the regex has 1 groups`,
		`rule "bad-condition" skipped: allowlist #1: unknown condition "XOR"`,
		`rule "#6" skipped: no id`,
		`rule "nothing" skipped: neither regex nor path`,
	} {
		found := false
		for _, r := range reasons {
			found = found || strings.Contains(r, want)
		}
		if !found {
			t.Errorf("no skipped reason containing %q in:\n%s", want, strings.Join(reasons, "\n"))
		}
	}
}

func TestGitleaksExtendPath(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("base.toml", `
[[rules]]
id = "shared"
regex = '''shared_[0-9]{12}'''
keywords = ["shared_"]
[[rules]]
id = "base-only"
regex = '''base_[0-9a-f]{16}'''
keywords = ["base_"]
`)
	write("top.toml", `
[extend]
path = "base.toml"
[[rules]]
id = "shared"
regex = '''shared_[a-z]{12}'''
keywords = ["shared_"]
`)
	set, err := loadGitleaks(filepath.Join(dir, "top.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range set.rules {
		got = append(got, r.Name+" "+r.Pattern)
	}
	want := []string{"base-only base_[0-9a-f]{16}", "shared shared_[a-z]{12}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestGitleaksErrors(t *testing.T) {
	if _, err := NewDetector(Options{GitleaksConfig: filepath.Join(t.TempDir(), "missing.toml")}); err == nil ||
		!strings.Contains(err.Error(), "reading gitleaks config") {
		t.Errorf("missing file: got %v", err)
	}
	if _, _, err := parseGitleaks([]byte("[[rules]\nid = "), "broken.toml"); err == nil ||
		!strings.Contains(err.Error(), `parsing gitleaks config "broken.toml"`) {
		t.Errorf("broken TOML: got %v", err)
	}
}

// TestGitleaksSkippedReported checks that unusable Gitleaks rules reach the
// scan's result, once.
func TestGitleaksSkippedReported(t *testing.T) {
	s, err := NewScanner(Options{GitleaksConfig: fixtureConfig})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), fstest.MapFS{
		"a.txt": {Data: []byte("one")}, "b.txt": {Data: []byte("two")},
	}, []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != fixtureConfig {
		t.Errorf("skipped = %v, want the lookahead rule once", res.Skipped)
	}
}

func TestGitleaksPathRuleFinding(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gitleaks.toml")
	if err := os.WriteFile(cfg, []byte("[[rules]]\nid = \"pkcs12-file\"\npath = '''\\.p12$'''\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewScanner(Options{GitleaksConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	fs, sk := s.Scan(context.Background(), fstest.MapFS{"certs/client.p12": {Data: []byte("0\x82\x01\x00\x00")}}, []string{"certs/client.p12"})
	if len(sk) != 0 || len(fs) != 1 {
		t.Fatalf("findings %v, skipped %v: want one finding", fs, sk)
	}
	want := `file matching gitleaks rule "pkcs12-file": certs/client.p12`
	if fs[0].CheckID != customID || fs[0].Message != want || fs[0].Location.Path != "certs/client.p12" {
		t.Errorf("finding %+v, want %s with message %q", fs[0], customID, want)
	}
}
