package dockerfile

import "testing"

func TestRegistryAllowList(t *testing.T) {
	allowed := []string{"docker.io/library", "https://ghcr.io/acme/", "registry.example.com:5000"}
	tests := map[string]bool{
		"alpine:3.20":                             true,
		"docker.io/library/debian:12":             true,
		"index.docker.io/library/debian:12":       true,
		"bitnami/redis:7":                         false,
		"ghcr.io/acme/app:1":                      true,
		"ghcr.io/acme/team/app:1":                 true,
		"ghcr.io/acmecorp/app:1":                  false,
		"GHCR.io/acme/app:1":                      true,
		"registry.example.com:5000/any/thing:1.0": true,
		"registry.example.com/any/thing:1.0":      false,
		"quay.io/prometheus/node-exporter:v1":     false,
		"quay.io/prometheus/busybox:${UNSET}":     false,
		"${UNSET}/busybox:1":                      true, // unknowable, not judged
	}
	c := checkRegistry(allowed)
	for ref, ok := range tests {
		f := mustParse(t, "ARG UNSET\nFROM "+ref+"\n")
		if got := len(c.Eval(f)) == 0; got != ok {
			t.Errorf("FROM %s: allowed=%v, want %v", ref, got, ok)
		}
	}
	if vs := checkRegistry(nil).Eval(mustParse(t, "FROM quay.io/x/y:1\n")); len(vs) != 0 {
		t.Errorf("empty allow-list fired: %v", vs)
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"https://example.com/a/b.tgz":             "https://example.com/a/b.tgz",
		"https://user:pass@example.com/a.tgz":     "https://REDACTED@example.com/a.tgz",
		"https://example.com/a.tgz?token=abc&x=1": "https://example.com/a.tgz?REDACTED",
		"https://t0k3n@example.com":               "https://REDACTED@example.com",
		"not a url":                               "not a url",
	}
	for in, want := range tests {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
