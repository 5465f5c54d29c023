package secret

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/source"
)

// FuzzDetectorScan checks that Scan survives any input and that its matches
// are well formed: in bounds, ordered, on the right line, redacted.
func FuzzDetectorScan(f *testing.F) {
	for _, dir := range []string{"testdata/corpus", "testdata/checks"} {
		_ = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if data, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
					f.Add(data)
				}
			}
			return nil
		})
	}
	d, err := NewDetector(Options{GitleaksConfig: fixtureConfig})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ms := d.Scan(data)
		if !slices.IsSortedFunc(ms, func(a, b Match) int { return a.Start - b.Start }) {
			t.Errorf("matches not ordered: %+v", ms)
		}
		for _, m := range ms {
			if m.Start < 0 || m.End > len(data) || m.Start >= m.End {
				t.Fatalf("match out of bounds: %+v (len %d)", m, len(data))
			}
			if want := source.LineOf(data, m.Start); m.Line != want {
				t.Errorf("match %+v: line %d, want %d", m, m.Line, want)
			}
			secret := data[m.Start:m.End]
			if len(secret) > 4 && bytes.Contains([]byte(m.Redacted+m.Label), secret) {
				t.Errorf("match %+v shows its secret", m)
			}
			if m.Discriminator != discriminator(secret) {
				t.Errorf("match %+v: discriminator is not the secret's hash", m)
			}
		}
	})
}

// FuzzGitleaksConfig checks that any config either fails to parse with an
// error or yields rules that compile and run.
func FuzzGitleaksConfig(f *testing.F) {
	for _, p := range []string{fixtureConfig} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[rules]]\nid = \"a\"\nregex = '''(a)(b)'''\nsecretGroup = 2\nkeywords = [\"a\"]\n[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['x']\ncondition = \"AND\"\n"))
	f.Add([]byte("[allowlist]\npaths = ['''^x''']\nstopwords = ['s']\n[[allowlists]]\ntargetRules = [\"a\"]\nregexes = ['a']\n[[rules]]\nid = \"a\"\npath = '''\\.p12$'''\n"))
	f.Add([]byte("[extend]\nuseDefault = true\ndisabledRules = [\"x\"]\npath = \"y\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, _, err := parseGitleaks(data, "fuzz.toml")
		if err != nil {
			return
		}
		d, err := compileRules(set.rules, set.global, set.skipped)
		if err != nil {
			t.Fatalf("translated rules do not compile: %v", err)
		}
		d.ScanFile("a/b.txt", data)
		d.matchPath("a/b.p12")
	})
}
