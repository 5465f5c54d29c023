package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Fake credentials made for these tests; none of them exists.
const (
	fakeAWSKeyID  = "AKIAW7RTQ3ZKXN5MB2PL"
	fakeGitHubPAT = "ghp_q8Rk2VmZt5Lx9NbW4cYh7JsD1fGp3eA6uTiQ"
	fakeStripe    = "sk_live_51Qm8vXr2LkT9pZaYw4NcB7dHs"
)

func TestWants(t *testing.T) {
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want bool
	}{
		{"main.go", true},
		{"config/app.yaml", true},
		{".env", true},
		{"deploy/id_rsa", true},
		{"Dockerfile", true},
		{"vendor/github.com/x/y/z.go", false},
		{"src/vendor/a.go", false},
		{"web/node_modules/lodash/index.js", false},
		{"vendors.go", true},
		{"package-lock.json", false},
		{"web/yarn.lock", false},
		{"go.sum", false},
		{"Cargo.lock", false},
		{"static/app.min.js", false},
		{"static/app.js", true},
		{"img/logo.PNG", false},
		{"dist/release.tar.gz", false},
		{"fonts/inter.woff2", false},
		{"lib/libfoo.so", false},
	}
	for _, tt := range tests {
		if got := s.Wants(tt.path); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// TestWindows streams files through small windows and checks that every
// secret is found once, at the right offset and line, wherever it falls
// relative to window boundaries.
func TestWindows(t *testing.T) {
	d, err := NewDetector(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const window, overlap = 4096, 512
	secrets := []string{
		"aws_access_key_id = " + fakeAWSKeyID,
		"GITHUB_TOKEN=" + fakeGitHubPAT,
		"stripe: " + fakeStripe,
	}
	for shift := 0; shift < window; shift += 97 {
		var b bytes.Buffer
		for i := 0; b.Len() < 5*window; i++ {
			// Filler with keywords but no secrets, so regions are exercised.
			fmt.Fprintf(&b, "line %d: the token of the day is not set here %s\n", i, strings.Repeat("z", i%50))
			if i%23 == 0 {
				for range shift % 7 {
					b.WriteByte(' ')
				}
				b.WriteString(secrets[i%len(secrets)] + "\n")
			}
		}
		data := b.Bytes()[shift:]
		want := d.Scan(data)
		if len(want) < 10 {
			t.Fatalf("shift %d: only %d secrets in the input", shift, len(want))
		}
		s := newScanner(d, window, overlap)
		fsc := &fileScratch{buf: make([]byte, window), st: d.newScratch()}
		var got []Match
		err := s.scanFile(context.Background(), fstest.MapFS{"f.txt": {Data: data}}, "f.txt", fsc, func(m Match) { got = append(got, m) })
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("shift %d: windowed scan differs from a whole-file scan (-whole +windowed):\n%s", shift, diff)
		}
	}
}

// TestLargeFile scans a file of several default-size windows with secrets
// placed across window boundaries.
func TestLargeFile(t *testing.T) {
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	line := 1
	wantLines := map[int]bool{}
	for b.Len() < 3*windowSize+windowSize/2 {
		if next := b.Len() + 100; next/(windowSize-windowOverlap) != b.Len()/(windowSize-windowOverlap) || line%5000 == 0 {
			fmt.Fprintf(&b, "export GITHUB_TOKEN=%s\n", fakeGitHubPAT)
			wantLines[line] = true
		} else {
			fmt.Fprintf(&b, "%08d some ordinary text without any credential in it at all, padded to a fixed width.\n", line)
		}
		line++
	}
	fsys := fstest.MapFS{"big.log": {Data: b.Bytes()}}
	fs, sk := s.Scan(context.Background(), fsys, []string{"big.log"})
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	gotLines := map[int]bool{}
	for _, f := range fs {
		if f.CheckID != "FC-SEC-006" {
			t.Errorf("unexpected finding %v", f)
		}
		if gotLines[f.Location.StartLine] {
			t.Errorf("line %d reported twice", f.Location.StartLine)
		}
		gotLines[f.Location.StartLine] = true
	}
	if diff := cmp.Diff(wantLines, gotLines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestScanFiles(t *testing.T) {
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	binary := append([]byte("\x7fELF\x00\x00"), []byte("aws_access_key_id = "+fakeAWSKeyID+"\n")...)
	fsys := fstest.MapFS{
		"config.go": {Data: []byte("package config\n\nconst key = \"" + fakeAWSKeyID + "\"\n")},
		"app.bin":   {Data: binary},
		"empty.txt": {Data: nil},
	}
	fs, sk := s.Scan(context.Background(), fsys, []string{"config.go", "app.bin", "empty.txt", "gone.txt"})
	want := []finding.Finding{{
		CheckID:  "FC-SEC-001",
		Title:    "AWS access key ID",
		Severity: finding.SeverityCritical,
		Layer:    finding.LayerCode,
		Resource: finding.Resource{Kind: "file", Name: "config.go"},
		Location: finding.Location{Path: "config.go", StartLine: 3},
		Message:  `AWS access key ID "AKIA…sha256:` + Redact([]byte(fakeAWSKeyID))[len("AKIA…sha256:"):] + `" in config.go`,
	}}
	if diff := cmp.Diff(want, fs, cmpFinding()); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantSkipped := []finding.Skipped{{Path: "gone.txt", Scanner: "secret", Reason: `opening "gone.txt": file does not exist`}}
	if diff := cmp.Diff(wantSkipped, sk); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if fs[0].Fingerprint == "" {
		t.Error("finding has no fingerprint")
	}
}

// failingFS serves one file whose reads fail after some bytes, as a disk
// or network file system might.
type failingFS struct{ data []byte }

func (f failingFS) Open(name string) (fs.File, error) {
	return &failingFile{r: io.MultiReader(bytes.NewReader(f.data), errReader{})}, nil
}

type failingFile struct{ r io.Reader }

func (f *failingFile) Stat() (fs.FileInfo, error) { return nil, errors.New("no stat") }
func (f *failingFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *failingFile) Close() error               { return nil }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("input/output error") }

func TestReadError(t *testing.T) {
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("token = \"" + fakeGitHubPAT + "\"\n" + strings.Repeat("x\n", windowSize))
	fs, sk := s.Scan(context.Background(), failingFS{data}, []string{"flaky.txt"})
	if len(fs) != 1 || fs[0].CheckID != "FC-SEC-006" {
		t.Errorf("want the secret read before the error, got %v", fs)
	}
	if len(sk) != 1 || !strings.Contains(sk[0].Reason, `reading "flaky.txt"`) || !strings.Contains(sk[0].Reason, "input/output error") {
		t.Errorf("want one skipped entry naming the file and the error, got %v", sk)
	}
}

func cmpFinding() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Fingerprint" || p.Last().String() == ".Remediation" || p.Last().String() == ".References"
	}, cmp.Ignore())
}
