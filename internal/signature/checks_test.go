package signature

import (
	"crypto"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

var update = flag.Bool("update", false, "regenerate the signed fixtures under testdata/checks with a fresh key")

// fixture is one verification case: the signatures as fetched from a
// registry, checked with cosign.pub beside it (when present).
type fixture struct {
	Image   string `json:"image"`
	Digest  string `json:"digest"`
	Require bool   `json:"require"`
	Raws    []Raw  `json:"raws"`
}

const (
	fixImage  = "registry.example.com/shop/api"
	fixDigest = "sha256:4d3c2b1a00112233445566778899aabbccddeeff00112233445566778899aabb"
)

// generate writes every fixture, signing with a fresh key (only its public
// half is kept) and a second, untrusted one.
func generate(t *testing.T) {
	key, other := newKey(t), newKey(t)
	signed := func(identity, digest string, k testKey) Raw {
		pl := payload(identity, digest)
		return Raw{Source: "tag sha256-….sig, layer 0", Payload: pl, Signature: k.sign(t, pl)}
	}
	cases := map[string]fixture{
		"FC-SIG-001/fail": {Require: true},
		"FC-SIG-001/pass": {Require: true, Raws: []Raw{signed(fixImage, fixDigest, key)}},
		"FC-SIG-002/fail": {Raws: []Raw{signed(fixImage, fixDigest, other)}},
		"FC-SIG-002/pass": {Raws: []Raw{signed(fixImage, fixDigest, other), signed(fixImage, fixDigest, key)}},
		"FC-SIG-003/fail": {Raws: []Raw{signed("registry.example.com/sandbox/api", fixDigest, key)}},
		"FC-SIG-003/pass": {Raws: []Raw{signed(fixImage+":1.4", fixDigest, key)}},
	}
	for dir, c := range cases {
		c.Image, c.Digest = fixImage, fixDigest
		p := filepath.Join("testdata/checks", dir)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := os.WriteFile(filepath.Join(p, "case.json"), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "cosign.pub"), key.pem(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
}

// TestCheckFixtures runs every check over its pass and fail fixtures: a
// case.json of signatures as fetched, checked with cosign.pub beside it.
func TestCheckFixtures(t *testing.T) {
	if *update {
		generate(t)
	}
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		b, err := os.ReadFile(filepath.Join(dir, "case.json"))
		if err != nil {
			t.Fatal(err)
		}
		var c fixture
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		var key crypto.PublicKey
		if _, err := os.Stat(filepath.Join(dir, "cosign.pub")); err == nil {
			if key, err = LoadKey(filepath.Join(dir, "cosign.pub")); err != nil {
				t.Fatal(err)
			}
		}
		res := Evaluate(c.Image, c.Digest, key, c.Raws)
		res.Required = c.Require
		return Findings(res), nil
	}, checktest.WithoutLine())
}

func TestSameRepository(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"registry.example.com/shop/api:1.4", "registry.example.com/shop/api", true},
		{"registry.example.com/shop/api@" + fixDigest, "registry.example.com/shop/api", true},
		{"nginx", "index.docker.io/library/nginx", true},
		{"registry.example.com/sandbox/api", "registry.example.com/shop/api", false},
	}
	for _, tt := range tests {
		if got := sameRepository(tt.a, tt.b); got != tt.want {
			t.Errorf("sameRepository(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestLoadKeyErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.pub")
	if err := os.WriteFile(p, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadKey(p)
	if err == nil || !strings.Contains(err.Error(), `parsing public key "`) {
		t.Errorf("LoadKey(garbage) error = %v", err)
	}
	if _, err := LoadKey(filepath.Join(t.TempDir(), "missing.pub")); err == nil {
		t.Error("LoadKey(missing) succeeded")
	}
}
