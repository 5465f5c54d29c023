package secret

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		in, prefix string
	}{
		{fakeAWSKeyID, "AKIA"},
		{"hK8#mZ2q", "hK"},
		{"abc", ""},
		{"", ""},
		{"ü€ab€ü€ab", "ü"}, // never splits a character
	}
	for _, tt := range tests {
		got := Redact([]byte(tt.in))
		wantPrefix := tt.prefix + "…sha256:"
		if !strings.HasPrefix(got, wantPrefix) || len(got) != len(wantPrefix)+8 || !utf8.ValidString(got) {
			t.Errorf("Redact(%q) = %q, want %q and 8 hex digits", tt.in, got, wantPrefix)
		}
	}
}

// TestNoRawSecretInOutput scans the corpus and checks that no finding (as
// the JSON report would carry it) and no exported field of a match contains
// a secret in full.
func TestNoRawSecretInOutput(t *testing.T) {
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS("testdata/corpus")
	var raw []string
	var matchText bytes.Buffer
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		for _, m := range s.Detector().ScanFile(p, data) {
			raw = append(raw, string(data[m.Start:m.End]))
			fmt.Fprintf(&matchText, "%+v\n", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 50 {
		t.Fatalf("only %d secrets in the corpus", len(raw))
	}
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(struct {
		F []finding.Finding
		S []finding.Skipped
	}{res.Findings, res.Skipped})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range raw {
		// Any 8 consecutive characters of a secret longer than 12 would
		// already say too much; the redacted form shows at most 4.
		probe := secret
		if len(secret) > 12 {
			probe = secret[len(secret)/2-4 : len(secret)/2+4]
		}
		if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte(probe)) {
			t.Errorf("report contains secret %s", Redact([]byte(secret)))
		}
		if strings.Contains(matchText.String(), secret) || strings.Contains(matchText.String(), probe) {
			t.Errorf("a match's fields contain secret %s", Redact([]byte(secret)))
		}
	}
}

func TestRedactPEMBody(t *testing.T) {
	got := Redact([]byte("\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"))
	if !strings.HasPrefix(got, "MIIE…sha256:") {
		t.Errorf("Redact of a PEM body = %q, want it to show the first characters after the newline", got)
	}
}
