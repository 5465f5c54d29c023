package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	c, err := Parse("fourc.yaml", []byte("format: sarif\nfail-on: high\nexclude: [vendor]\ndockerfile:\n  allowed-registries: [ghcr.io/acme]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != "sarif" || c.FailOn != "high" || len(c.Exclude) != 1 || c.Dockerfile.AllowedRegistries[0] != "ghcr.io/acme" {
		t.Errorf("parsed %+v", c)
	}
	if _, err := Parse("fourc.yaml", []byte("fromat: sarif\n")); err == nil || !strings.Contains(err.Error(), "field fromat not found") {
		t.Errorf("typo not reported: %v", err)
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
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("format: json\nsecrets:\n  disabled-rules: [FC-SEC-001]\n"))
	f.Add([]byte("kubernetes:\n  helm:\n    charts/api:\n      values: [a.yaml]\n      set: [a=b]\n"))
	f.Add([]byte("fail-on-skipped: true\nignore-policy: strict\nlimits:\n  per-input: 3s\n  file-bytes: 64MiB\n  depth: 1_000\n"))
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = Parse("fuzz.yaml", data) })
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
	if _, err := Parse("fourc.yaml", []byte("kubernetes:\n  helm:\n    charts/api:\n      value: [x.yaml]\n")); err == nil || !strings.Contains(err.Error(), "field value not found") {
		t.Errorf("typo in a chart's settings not reported: %v", err)
	}
}
