package dockerfile

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestWants(t *testing.T) {
	s := NewScanner(Options{})
	tests := map[string]bool{
		"Dockerfile":                    true,
		"svc/api/Dockerfile":            true,
		"dockerfile":                    true,
		"Containerfile":                 true,
		"build/Dockerfile.prod":         true,
		"Containerfile.dev":             true,
		"docker/api.Dockerfile":         true,
		"docker/api.dockerfile":         true,
		".dockerignore":                 false,
		"Dockerfile.dockerignore":       false,
		"api.Dockerfile.dockerignore":   false,
		"docs/Dockerfile.md":            false,
		"Dockerfile.swp":                false,
		"frontend/dockerfile.go":        false,
		"scripts/dockerfile.txt":        false,
		"Dockerfile.yaml":               false,
		"testdata/dockerfile.invalid":   true,
		"Dockerfile.alpine":             true,
		"Dockerfiles/readme.txt":        false,
		"src/dockerfile_parser.go":      false,
		"docker-compose.yml":            false,
		"notes/MyDockerfileNotes.txt":   false,
		"k8s/deployment.yaml":           false,
		"Dockerfile/inside/a/directory": false,
	}
	for p, want := range tests {
		if got := s.Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestScanSkipsBadInput checks that bad files are skipped with one line
// naming the file, and that the good file beside them is still checked.
func TestScanSkipsBadInput(t *testing.T) {
	fsys := fstest.MapFS{
		"good/Dockerfile":       {Data: []byte("FROM alpine\n")},
		"bad/Dockerfile":        {Data: []byte("FROM alpine:3.20\nRUN <<EOF\necho never ends\n")},
		"empty/Dockerfile":      {Data: nil},
		"bin/Dockerfile":        {Data: []byte{0x7f, 'E', 'L', 'F', 0, 0, 1}},
		"huge/Dockerfile":       {Data: bytes.Repeat([]byte("# padding\n"), maxFileBytes/10+1)},
		"typo/Containerfile":    {Data: []byte("FROM alpine:3.20\nRUNN echo\n")},
		"missing/Dockerfile.x2": nil,
	}
	delete(fsys, "missing/Dockerfile.x2")
	paths := []string{"good/Dockerfile", "bad/Dockerfile", "empty/Dockerfile", "bin/Dockerfile", "huge/Dockerfile", "typo/Containerfile", "missing/Dockerfile.x2"}
	fs, skipped := NewScanner(Options{}).Scan(t.Context(), fsys, paths)
	if len(fs) == 0 {
		t.Error("good/Dockerfile produced no findings")
	}
	for _, f := range fs {
		if f.Location.Path != "good/Dockerfile" {
			t.Errorf("finding for a skipped file: %v", f.Location)
		}
	}
	want := map[string]string{
		"bad/Dockerfile":        "unterminated heredoc",
		"empty/Dockerfile":      "empty file",
		"bin/Dockerfile":        "binary content",
		"huge/Dockerfile":       "budget: Dockerfile size exceeded 2 MiB",
		"typo/Containerfile":    "line 2: unknown instruction: RUNN",
		"missing/Dockerfile.x2": "file does not exist",
	}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %d files, want %d: %v", len(skipped), len(want), skipped)
	}
	for _, sk := range skipped {
		w, ok := want[sk.Path]
		switch {
		case !ok:
			t.Errorf("unexpected skip %v", sk)
		case sk.Scanner != "dockerfile":
			t.Errorf("%s: scanner %q", sk.Path, sk.Scanner)
		case !strings.Contains(sk.Reason, w):
			t.Errorf("%s: reason %q, want it to contain %q", sk.Path, sk.Reason, w)
		case strings.Contains(sk.Reason, "\n"):
			t.Errorf("%s: reason spans lines: %q", sk.Path, sk.Reason)
		}
	}
}

func TestScanFindsDockerignore(t *testing.T) {
	copyAll := []byte("FROM node:20\nCOPY . .\n")
	fsys := fstest.MapFS{
		"a/Dockerfile":                  {Data: copyAll},
		"a/.dockerignore":               {Data: []byte(".git\n")},
		"b/api.Dockerfile":              {Data: copyAll},
		"b/api.Dockerfile.dockerignore": {Data: []byte(".git\n")},
		"c/Dockerfile":                  {Data: copyAll},
		"c/sub/.dockerignore":           {Data: []byte(".git\n")},
	}
	fs, _ := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"a/Dockerfile", "b/api.Dockerfile", "c/Dockerfile"})
	var got []string
	for _, f := range fs {
		if f.CheckID == "FC-DF-018" {
			got = append(got, f.Location.Path)
		}
	}
	if diff := cmp.Diff([]string{"c/Dockerfile"}, got); diff != "" {
		t.Errorf("FC-DF-018 paths (-want +got):\n%s", diff)
	}
}

// TestGolden runs every check over one realistic bad Dockerfile and compares
// all findings with testdata/golden/bad.json (go test -update rewrites it).
func TestGolden(t *testing.T) {
	s := NewScanner(Options{AllowedRegistries: []string{"docker.io/library"}})
	fs, skipped := s.Scan(t.Context(), os.DirFS("testdata/golden/bad"), []string{"Dockerfile"})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	finding.Sort(fs)
	got, err := json.MarshalIndent(fs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/golden/bad.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("findings differ from %s (-want +got):\n%s", golden, diff)
	}
	seen := map[string]string{}
	for _, f := range fs {
		if prev, dup := seen[f.Fingerprint]; dup {
			t.Errorf("fingerprint %s shared by %q and %q", f.Fingerprint, prev, f.Message)
		}
		seen[f.Fingerprint] = f.Message
	}
	for _, secret := range []string{"ghp_0123", "npm_abcd", "hunter2", "user:pass", "sig=abc"} {
		if bytes.Contains(got, []byte(secret)) {
			t.Errorf("findings leak the secret %q", secret)
		}
	}
}
