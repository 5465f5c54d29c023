package catalogue

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/deps"
	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/host/hosttest"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/sast"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/signature"
	"github.com/fourc-dev/fourc/internal/vuln"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// vulndbVersion is the release of golang.org/x/vulndb whose real Go
// advisories the vulnerability scanner matches against here.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

// emitted collects the check IDs the scanners report, and where first.
type emitted struct {
	mu    sync.Mutex
	where map[string]string
}

func (e *emitted) add(where string, fs []finding.Finding) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range fs {
		if _, ok := e.where[f.CheckID]; !ok {
			e.where[f.CheckID] = where + ": " + f.Location.String()
		}
	}
}

func (e *emitted) addPaths(where string, ps []posture.Path) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range ps {
		if _, ok := e.where[p.Rule]; !ok {
			e.where[p.Rule] = where + ": attack path " + p.ID
		}
	}
}

// TestEmittedIDsRegistered scans every example and every testdata tree of
// the repository with every scanner that reads files (and the node,
// control-plane, live-cluster and signature checks over their fixtures),
// builds the attack paths, and fails on any check ID reported that the
// registry does not hold. Leaving a capability out of [Groups] or a check
// out of its package's Checks() makes it fail.
func TestEmittedIDsRegistered(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	e := &emitted{where: map[string]string{}}
	trees := fileTrees(t)
	db := goVulnDB(t)
	for _, dir := range append(trees, ruleFixtures(t)) {
		scanTree(t, e, dir, db)
	}
	scanNodes(t, e)
	scanSnapshots(t, e, trees)
	scanSignatures(t, e)

	var ids []string
	for id := range e.where {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, ok := reg.Lookup(id); !ok {
			t.Errorf("check %s is reported (%s) but not in the registry", id, e.where[id])
		}
	}
	// The scan must reach far enough to mean something: most checks fire
	// on some fixture.
	if len(ids) < len(reg.All())/2 {
		t.Errorf("only %d of %d registered checks were reported; is the scan reaching the fixtures?", len(ids), len(reg.All()))
	}
	t.Logf("%d distinct check IDs reported, all %d registered checks known", len(ids), len(reg.All()))
}

// fileTrees returns examples/* and every internal/*/testdata.
func fileTrees(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../../examples/*", "../*/testdata"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				out = append(out, d)
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %v", out)
	}
	return out
}

// ruleFixtures writes the fixtures of the cloud rules (which live inside
// the rule packs, not in testdata) into one tree.
func ruleFixtures(t *testing.T) string {
	fx, err := iac.RuleFixtures()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range fx {
		for name, body := range f.Files {
			p := filepath.Join(dir, filepath.FromSlash(f.Name), filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// goVulnDB imports the real Go advisories of golang.org/x/vulndb.
func goVulnDB(t *testing.T) *vulndb.DB {
	out, err := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion).Output()
	if err != nil {
		t.Fatalf("go mod download golang.org/x/vulndb: %v", err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := vulndb.Import(context.Background(), path, filepath.Join(m.Dir, "data", "osv"), vulndb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// scanTree runs the file scanners of `fourc scan` over dir, then the
// cross-layer analysis.
func scanTree(t *testing.T, e *emitted, dir string, db *vulndb.DB) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := secret.NewScanner(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := vuln.NewScanner(vuln.Options{DB: db, Root: abs, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	scanners := []engine.Scanner{
		sec,
		dockerfile.NewScanner(dockerfile.Options{AllowedRegistries: []string{"docker.io"}}),
		kube.NewScanner(kube.Options{UntrustedNamespaceLabel: "fourc.dev/untrusted"}),
		iac.NewScanner(iac.Options{}),
		sast.NewScanner(sast.Options{Root: abs, Offline: true}),
		deps.NewScanner(deps.Options{}),
		malware.NewScanner(malware.NewDetector(malware.Options{})),
		vs,
	}
	res, err := engine.Run(context.Background(), os.DirFS(abs), scanners, engine.Options{})
	if err != nil {
		t.Fatalf("scanning %s: %v", dir, err)
	}
	e.add(dir, res.Findings)
	p := posture.Analyze(posture.Input{Findings: res.Findings, Assets: res.Assets, RootName: filepath.Base(abs)}, posture.Options{})
	e.addPaths(dir, p.Paths)
}

// scanNodes runs the node and control-plane checks over every root
// filesystem fixture.
func scanNodes(t *testing.T, e *emitted) {
	for _, pattern := range []string{"../host/testdata/checks/*/*/*", "../controlplane/testdata/checks/*/*/*"} {
		dirs, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range dirs {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				continue
			}
			n, err := hosttest.Node(dir)
			if err != nil {
				t.Fatal(err)
			}
			fs, _ := host.ScanNode(context.Background(), n, host.Options{})
			e.add(dir, fs)
			fs, _ = controlplane.NewSuite(controlplane.Options{}).Scan(context.Background(), n, func(string, string) {})
			e.add(dir, fs)
		}
	}
}

// scanSnapshots runs the live-cluster checks over every Kubernetes
// manifest of the trees, as if read from a cluster.
func scanSnapshots(t *testing.T, e *emitted, trees []string) {
	for _, dir := range trees {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			objs, _ := kube.Load(filepath.ToSlash(p), data)
			if len(objs) == 0 {
				return nil
			}
			e.add(p, cluster.Evaluate(&cluster.Snapshot{Set: kube.NewSet(objs), Version: "v1.37.2"}, kube.Options{}))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// scanSignatures verifies every signature fixture.
func scanSignatures(t *testing.T, e *emitted) {
	cases, err := filepath.Glob("../signature/testdata/checks/*/*/case.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		var fx struct {
			Image, Digest string
			Require       bool
			Raws          []signature.Raw
		}
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		key, err := signature.LoadKey(filepath.Join(filepath.Dir(c), "cosign.pub"))
		if err != nil {
			t.Fatal(err)
		}
		res := signature.Evaluate(fx.Image, fx.Digest, key, fx.Raws)
		res.Required = fx.Require
		e.add(c, signature.Findings(res))
	}
}
