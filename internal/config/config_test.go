package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestParse(t *testing.T) {
	c, err := Parse("fourc.yaml", []byte("format: sarif\nfail-on: high\nexclude: [vendor]\ndockerfile:\n  allowed-registries: [ghcr.io/acme]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range c.Flags {
		keys = append(keys, f.Key)
	}
	if !slices.Equal(keys, []string{"format", "fail-on", "exclude"}) || c.Dockerfile.AllowedRegistries[0] != "ghcr.io/acme" {
		t.Errorf("parsed %+v", c)
	}
}

// TestErrorsNameFileAndLine: every mistake, at any level, names the file
// and the line of the key.
func TestErrorsNameFileAndLine(t *testing.T) {
	known := []string{"format", "fail-on", "exclude", "db"}
	for _, tt := range []struct{ name, data, want string }{
		{"top-level typo", "format: json\nfromat: json\n", `config file "f.yaml" line 2: unknown key "fromat" (did you mean "format"?)`},
		{"section typo", "secrets:\n  disabled-rules: []\n  disabeld: [x]\n", `config file "f.yaml": secrets: line 3: unknown key "disabeld"`},
		{"kubernetes typo", "kubernetes:\n  untrusted-label: a=b\n", `config file "f.yaml": kubernetes: line 2: unknown key "untrusted-label"`},
		{"limits typo", "limits:\n  per-inptu: 3s\n", `line 2`},
		{"duplicate", "format: json\nformat: sarif\n", `config file "f.yaml" line 2: key "format" already set at line 1`},
		{"not a mapping", "- a\n", `config file "f.yaml" line 1: want a mapping`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("f.yaml", []byte(tt.data))
			if err == nil {
				err = c.CheckKeys(known)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestApplyFlags sets flags from keys of the same name through the flag's
// own parser, lists from sequences, and leaves flags set on the command
// line alone.
func TestApplyFlags(t *testing.T) {
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	format := fs.String("format", "table", "")
	severity := fs.String("severity", "", "")
	exclude := fs.StringSlice("exclude", nil, "")
	vex := fs.StringSlice("vex", nil, "")
	history := fs.Bool("history", false, "")
	timeout := fs.Duration("reachability-timeout", time.Minute, "")
	if err := fs.Parse([]string{"--severity", "high"}); err != nil {
		t.Fatal(err)
	}
	c, err := Parse("f.yaml", []byte("format: json\nseverity: low\nexclude: [vendor, 'a,b']\nvex: one.json\nhistory: true\nreachability-timeout: 2m\nother-command-flag: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyFlags(fs); err != nil {
		t.Fatal(err)
	}
	if *format != "json" || *severity != "high" || !slices.Equal(*exclude, []string{"vendor", "a,b"}) ||
		!slices.Equal(*vex, []string{"one.json"}) || !*history || *timeout != 2*time.Minute {
		t.Errorf("format %q severity %q exclude %q vex %q history %v timeout %s", *format, *severity, *exclude, *vex, *history, *timeout)
	}
	if fs.Changed("format") {
		t.Error("a flag set from the file is marked as changed on the command line")
	}
	for data, want := range map[string]string{
		"history: maybe\n":  `config file "f.yaml" line 1: history: strconv.ParseBool`,
		"format: [a, b]\n":  `line 1: format: takes one string value, not a list`,
		"exclude: {a: b}\n": `line 1: exclude: takes a stringSlice value, not a mapping`,
	} {
		c, err := Parse("f.yaml", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ApplyFlags(fs); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", data, err, want)
		}
	}
}

func TestLoad(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "fourc.yaml")
	if c, err := Load(missing, false); err != nil || c == nil {
		t.Errorf("optional missing config: %v", err)
	}
	if _, err := Load(missing, true); err == nil {
		t.Error("required missing config gave no error")
	}
	if err := os.WriteFile(missing, []byte("severity: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(missing, true); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("malformed config error does not name the file: %v", err)
	}
	if c, err := Parse("empty.yaml", []byte("# nothing\n")); err != nil || len(c.Flags) != 0 {
		t.Errorf("empty config: %v %+v", err, c)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("format: json\nsecrets:\n  disabled-rules: [FC-SEC-001]\n"))
	f.Add([]byte("kubernetes:\n  helm:\n    charts/api:\n      values: [a.yaml]\n      set: [a=b]\n"))
	f.Add([]byte("fail-on-skipped: true\nignore-policy: strict\nlimits:\n  per-input: 3s\n  file-bytes: 64MiB\n  depth: 1_000\n"))
	f.Add([]byte("exclude: [a, b]\nposture:\n  rules:\n    - id: X\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		fs := pflag.NewFlagSet("fuzz", pflag.ContinueOnError)
		fs.String("format", "", "")
		fs.StringSlice("exclude", nil, "")
		fs.Bool("history", false, "")
		_ = c.CheckKeys([]string{"format", "exclude", "history"})
		_ = c.ApplyFlags(fs)
	})
}

func TestParseHelm(t *testing.T) {
	c, err := Parse("fourc.yaml", []byte("kubernetes:\n  helm:\n    charts/api:\n      values: [charts/api/values-prod.yaml]\n      set: [image.tag=1.2]\n"))
	if err != nil {
		t.Fatal(err)
	}
	api := c.Kubernetes.Helm["charts/api"]
	if len(api.Values) != 1 || api.Values[0] != "charts/api/values-prod.yaml" || len(api.Set) != 1 || api.Set[0] != "image.tag=1.2" {
		t.Errorf("parsed %+v", c.Kubernetes.Helm)
	}
	if _, err := Parse("fourc.yaml", []byte("kubernetes:\n  helm:\n    charts/api:\n      value: [x.yaml]\n")); err == nil || !strings.Contains(err.Error(), `line 4: unknown key "value" (did you mean "values"?)`) {
		t.Errorf("typo in a chart's settings not reported: %v", err)
	}
}

// TestAdmissionSection: one fourc.yaml serves fourc scan and the admission
// webhook; its admission section is a section, not an unknown key.
func TestAdmissionSection(t *testing.T) {
	c, err := Parse("fourc.yaml", []byte("fail-on: high\nadmission:\n  mode: warn\n  namespaces: {payments: enforce}\n  checks: {never: [FC-K8S-020]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckKeys([]string{"fail-on"}); err != nil {
		t.Fatal(err)
	}
	a := c.Admission
	if a.Mode != "warn" || a.Namespaces["payments"] != "enforce" || !slices.Equal(a.Checks.Never, []string{"FC-K8S-020"}) {
		t.Errorf("admission section = %+v", a)
	}
	if _, err := Parse("fourc.yaml", []byte("admission:\n  moed: warn\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a misspelt admission key: %v, want an error naming line 2", err)
	}
}
