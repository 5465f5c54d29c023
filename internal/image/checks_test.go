package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range Checks() {
		if !strings.HasPrefix(m.ID, "FC-IMG-") || m.Layer != finding.LayerContainer {
			t.Errorf("%s: want an FC-IMG ID in the Container layer", m.ID)
		}
	}
}

// fixtureImage builds the image a fixture folder describes: config.json
// (a default non-root, health-checked config when absent), files.txt
// ("MODE PATH [-> TARGET]", d for directories, l for symlinks) and the
// tree under files/.
func fixtureImage(t *testing.T, dir string) v1.Image {
	t.Helper()
	cfg := &v1.ConfigFile{OS: "linux", Architecture: "amd64",
		Config: v1.Config{User: "10001", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}}}}
	if b, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
		cfg = &v1.ConfigFile{}
		if err := json.Unmarshal(b, cfg); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
	}
	var entries []tarEntry
	if b, err := os.ReadFile(filepath.Join(dir, "files.txt")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			mode, p := f[0], f[1]
			e := tarEntry{name: p, typ: tar.TypeReg, body: "content\n"}
			switch mode[0] {
			case 'd':
				e.typ, mode = tar.TypeDir, mode[1:]
			case 'l':
				e.typ, mode, e.link = tar.TypeSymlink, mode[1:], f[3]
			}
			m, err := strconv.ParseInt(mode, 8, 64)
			if err != nil {
				t.Fatalf("%s: bad mode in %q", dir, line)
			}
			e.mode = m
			entries = append(entries, e)
		}
	}
	root := filepath.Join(dir, "files")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		entries = append(entries, tarEntry{name: filepath.ToSlash(rel), typ: tar.TypeReg, mode: 0o644, body: string(b)})
		return nil
	})
	data := makeTar(t, entries...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "COPY fixture /"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.RootFS = v1.RootFS{}
	cfg.History = nil
	base, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg.RootFS, cfg.History = base.RootFS, base.History
	// diff_ids.txt, when present, replaces the configuration's diff IDs
	// (a layer that does not match what the image declares).
	if b, err := os.ReadFile(filepath.Join(dir, "diff_ids.txt")); err == nil {
		cfg.RootFS.DiffIDs = nil
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			h, err := v1.NewHash(line)
			if err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
			cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, h)
		}
	}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// fixtureFindings runs what a fixture folder holds through the real scan.
func fixtureFindings(t *testing.T, dir string) []finding.Finding {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(dir, "target.json")); err == nil {
		var tg Target
		if err := json.Unmarshal(b, &tg); err != nil {
			t.Fatal(err)
		}
		var out []finding.Finding
		for _, c := range targetChecks() {
			for _, v := range c.Eval(tg) {
				out = append(out, c.Meta.Finding(finding.Resource{Kind: "image", Name: tg.Ref}, finding.Location{Object: tg.Ref}, v))
			}
		}
		return out
	}
	opts := Options{Now: testNow}
	if _, err := os.Stat(filepath.Join(dir, "osv")); err == nil {
		path := filepath.Join(t.TempDir(), "vuln.db")
		if _, err := vulndb.Import(context.Background(), path, filepath.Join(dir, "osv"), vulndb.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		db, err := vulndb.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		opts.DB = db
	}
	res, err := scanImage(context.Background(), &imageSource{kind: KindOCILayout, img: fixtureImage(t, dir)}, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Skipped {
		t.Errorf("%s: skipped %s", dir, s)
	}
	return res.Findings
}

// TestCheckFixtures runs every check over its pass and fail fixtures, each
// folder an image (or a target.json) that fixtureFindings builds.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		return fixtureFindings(t, dir), nil
	}, checktest.WithoutLine())
}

func TestEOLTable(t *testing.T) {
	for id, table := range eolDates {
		for rel, s := range table {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				t.Errorf("%s %s: bad date %q", id, rel, s)
			}
		}
	}
	tests := []struct {
		osRelease string
		eol       string // "" when unknown
		pastAt    bool   // end of support before testNow
	}{
		{"ID=debian\nVERSION_ID=\"12\"\n", "2028-06-30", false},
		{"ID=debian\nVERSION_ID=\"10\"\n", "2024-06-30", true},
		{"ID=ubuntu\nVERSION_ID=\"20.04\"\n", "2025-05-31", true},
		{"ID=ubuntu\nVERSION_ID=\"24.04\"\n", "2029-05-31", false},
		{"ID=alpine\nVERSION_ID=3.18.4\n", "2025-05-09", true},
		{"ID=alpine\nVERSION_ID=3.22.1\n", "2027-05-01", false},
		{"ID=\"rhel\"\nVERSION_ID=\"8.9\"\n", "2029-05-31", false},
		{"ID=\"rhel\"\nVERSION_ID=\"7.9\"\n", "2024-06-30", true},
		{"ID=debian\nVERSION_ID=\"99\"\n", "", false},
		{"ID=gentoo\n", "", false},
	}
	for _, tt := range tests {
		o := parseOSRelease([]byte(tt.osRelease))
		got := ""
		if !o.EOL.IsZero() {
			got = o.EOL.Format(time.DateOnly)
		}
		if got != tt.eol {
			t.Errorf("%q: EOL %q, want %q", tt.osRelease, got, tt.eol)
		}
		past := len(checkOSEOL().Eval(osSubject{OS: o, Now: testNow})) > 0
		if past != tt.pastAt {
			t.Errorf("%q: past end of support on %s = %v, want %v", tt.osRelease, testNow.Format(time.DateOnly), past, tt.pastAt)
		}
	}
}

func TestParseOSRelease(t *testing.T) {
	got := parseOSRelease([]byte("# comment\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME='Ubuntu'\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\nID=ubuntu\n"))
	want := OS{ID: "ubuntu", VersionID: "22.04", Codename: "jammy", PrettyName: "Ubuntu 22.04.4 LTS", EOL: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
