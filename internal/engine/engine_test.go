package engine

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

// lineScanner reports one finding per line containing "BAD" in the files it
// wants; it panics on files containing "PANIC" and skips files with "SKIP".
type lineScanner struct {
	name   string
	suffix string
	byDir  bool
}

func (s lineScanner) Name() string        { return s.name }
func (s lineScanner) Wants(p string) bool { return strings.HasSuffix(p, s.suffix) }
func (s lineScanner) Unit(p string) string {
	if s.byDir {
		return path.Dir(p)
	}
	return p
}

func (s lineScanner) Scan(_ context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	var out []finding.Finding
	var sk []finding.Skipped
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			sk = append(sk, finding.Skipped{Path: p, Scanner: s.name, Reason: err.Error()})
			continue
		}
		if strings.Contains(string(data), "PANIC") {
			panic("hostile input")
		}
		if strings.Contains(string(data), "SKIP") {
			sk = append(sk, finding.Skipped{Path: p, Scanner: s.name, Reason: "malformed"})
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "BAD") {
				out = append(out, finding.Finding{CheckID: "FC-T-00" + s.name[:1], Layer: finding.LayerCode, Severity: finding.SeverityHigh,
					Location: finding.Location{Path: p, StartLine: i + 1}, Message: strings.Join(paths, ",")})
			}
		}
	}
	return out, sk
}

func TestRun(t *testing.T) {
	fsys := fstest.MapFS{
		"a/one.txt":               {Data: []byte("ok\nBAD\n")},
		"a/two.txt":               {Data: []byte("BAD\n")},
		"b/three.txt":             {Data: []byte("PANIC")},
		"b/four.txt":              {Data: []byte("SKIP")},
		"node_modules/x/five.txt": {Data: []byte("BAD")},
		".git/config.txt":         {Data: []byte("BAD")},
		"c/grouped.cfg":           {Data: []byte("BAD")},
		"c/grouped2.cfg":          {Data: []byte("fine")},
		"c/link.txt":              {Data: []byte("a/one.txt"), Mode: fs.ModeSymlink},
	}
	scanners := []Scanner{lineScanner{name: "text", suffix: ".txt"}, lineScanner{name: "cfg", suffix: ".cfg", byDir: true}}
	var progress []int
	res, err := Run(context.Background(), fsys, scanners, Options{Workers: 3, Exclude: []string{"node_modules"}, Progress: func(done, total int) { progress = append(progress, done*100+total) }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.CheckID+" "+f.Location.String()+" "+f.Message)
		if f.Fingerprint == "" {
			t.Errorf("finding %v has no fingerprint", f)
		}
	}
	want := []string{
		"FC-T-00c c/grouped.cfg:1 c/grouped.cfg,c/grouped2.cfg",
		"FC-T-00t a/one.txt:2 a/one.txt",
		"FC-T-00t a/two.txt:1 a/two.txt",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantSkipped := []finding.Skipped{
		{Path: "b/four.txt", Scanner: "text", Reason: "malformed"},
		{Path: "b/three.txt", Scanner: "text", Reason: "internal error: hostile input"},
	}
	if diff := cmp.Diff(wantSkipped, res.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if res.Units != 5 || len(progress) != 5 || progress[4] != 505 {
		t.Errorf("units = %d, progress = %v", res.Units, progress)
	}
}

func TestRunOnly(t *testing.T) {
	fsys := fstest.MapFS{"a/x.txt": {Data: []byte("BAD")}, "ab/y.txt": {Data: []byte("BAD")}}
	res, err := Run(context.Background(), fsys, []Scanner{lineScanner{name: "text", suffix: ".txt"}}, Options{Only: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Location.Path != "a/x.txt" {
		t.Errorf("findings = %v", res.Findings)
	}
}

func TestRunMissingRoot(t *testing.T) {
	_, err := Run(context.Background(), os.DirFS(filepath.Join(t.TempDir(), "nope")), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "walking scan root") {
		t.Errorf("err = %v", err)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, fstest.MapFS{"a.txt": {Data: []byte("BAD")}}, []Scanner{lineScanner{name: "text", suffix: ".txt"}}, Options{})
	if err == nil {
		t.Error("cancelled run returned no error")
	}
}
