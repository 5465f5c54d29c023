package sast

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestPlainHTTPHost(t *testing.T) {
	for u, want := range map[string]string{
		"http://api.shop-partner.com/v1":        "api.shop-partner.com",
		"HTTP://API.Partner.com":                "api.partner.com",
		"http://user:pw@db.shop.internal:8080/": "db.shop.internal",
		"http://10.0.3.7:9000/metrics":          "10.0.3.7",
		"https://api.shop-partner.com":          "",
		"http://localhost:8080":                 "",
		"http://127.0.0.1/healthz":              "",
		"http://[::1]:80/":                      "",
		"http://0.0.0.0:80":                     "",
		"http://169.254.169.254/latest":         "",
		"http://printer.local/":                 "",
		"http://api.example.com/":               "",
		"http://example.org":                    "",
		"http://www.w3.org/2001/XMLSchema":      "",
		"http://orders:8080/":                   "",
		"http://${API_HOST}/v1":                 "",
		"http://%s/v1":                          "",
		"http://{{ .Values.host }}/":            "",
		"http://":                               "",
		"http://ex ample.com":                   "",
	} {
		got, _ := plainHTTPHost(u)
		if got != want {
			t.Errorf("plainHTTPHost(%q) = %q, want %q", u, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("http://admin:hunter2@db.shop.com/x"); got != "http://REDACTED@db.shop.com/x" {
		t.Errorf("redactURL = %q", got)
	}
}

func TestTextURLs(t *testing.T) {
	data := []byte(`# see http://wiki.corp.com/payments
payments:
  endpoint: "http://pay.partner.com/charge"
  schema: http://json-schema.org/draft-07/schema
<root xmlns="http://www.w3.org/1999/xhtml">
  // http://commented.out.com
  two: http://a.partner.com, http://b.partner.com
`)
	want := []urlRef{
		{"http://pay.partner.com/charge", 3},
		{"http://json-schema.org/draft-07/schema", 4},
		{"http://a.partner.com", 7},
		{"http://b.partner.com", 7},
	}
	if diff := gocmp.Diff(want, textURLs(data)); diff != "" {
		t.Errorf("textURLs (-want +got):\n%s", diff)
	}
}
