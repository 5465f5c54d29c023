package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestManifestsIsScanKube: `fourc k8s --manifests DIR` is `fourc scan DIR
// --scanners kube`, byte for byte, on the examples and on every pass and
// fail fixture of the Kubernetes checks (the clock is fixed, so nothing
// needs normalising).
func TestManifestsIsScanKube(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Glob(filepath.Join("..", "kube", "testdata", "checks", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, fixtures...)
	if len(dirs) < 10 {
		t.Fatalf("only %d directories to compare", len(dirs))
	}
	withFindings := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		codeK, k8s, errK := run(t, "k8s", "--manifests", dir, "--format", "json", "--quiet")
		codeS, scan, errS := run(t, "scan", dir, "--scanners", "kube", "--format", "json", "--quiet")
		if codeK != ExitOK || codeS != ExitOK {
			t.Fatalf("%s: exit %d (%s) and %d (%s)", dir, codeK, errK, codeS, errS)
		}
		if diff := cmp.Diff(scan, k8s); diff != "" {
			t.Errorf("%s: k8s --manifests differs from scan --scanners kube (-scan +k8s):\n%s", dir, diff)
		}
		if strings.Contains(k8s, `"check_id"`) {
			withFindings++
		}
	}
	if withFindings < 10 {
		t.Errorf("only %d directories had findings: the comparison saw too little", withFindings)
	}
}

// TestOptionsBeforeScan: every report option, the config file, its rules,
// the baseline and the ignore file are checked before anything is
// scanned: a mistake fails in milliseconds with one line, and a live
// command never reaches the cluster (the kubeconfig here does not exist).
func TestOptionsBeforeScan(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shop := filepath.Join("..", "..", "examples", "shop")
	typo := write("typo.yaml", "format: json\nexclude: [vendor]\nreachabilty: false\n")
	rule := write("rule.yaml", "posture:\n  rules:\n    - id: FC-PATH-900\n      title: t\n      severity: high\n      when: 'true'\n      colour: red\n")
	secretRule := write("secret.yaml", "secrets:\n  rules:\n    - id: FC-SEC-901\n      title: t\n      regex: 'x'\n      entrophy: 3.5\n")
	kube := []string{"k8s", "--kubeconfig", filepath.Join(dir, "no-such-kubeconfig")}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", shop, "--format", "nope"}, `--format: unknown format "nope"`},
		{[]string{"scan", shop, "--sort", "colour"}, `--sort: unknown order "colour"`},
		{[]string{"scan", shop, "--severity", "urgent"}, `--severity: `},
		{[]string{"scan", shop, "--fail-on", "urgent"}, `--fail-on: `},
		{[]string{"scan", shop, "--fail-on-new", "high"}, `--fail-on-new needs --baseline`},
		{[]string{"scan", shop, "--baseline", filepath.Join(dir, "none.json")}, `none.json`},
		{[]string{"scan", shop, "--ignore-file", filepath.Join(dir, "none.yaml")}, `none.yaml`},
		{[]string{"scan", shop, "--ignore-policy", "lax"}, `--ignore-policy: unknown policy "lax"`},
		{[]string{"scan", shop, "--scanners", "bogus"}, `--scanners: unknown scanner "bogus"`},
		{[]string{"scan", shop, "--config", typo}, `config file "` + typo + `" line 3: unknown key "reachabilty" (did you mean "reachability"?)`},
		{[]string{"scan", shop, "--config", rule}, `config file "` + rule + `": posture.rules: posture rule 1 (line 3): line 7: unknown key "colour"`},
		{[]string{"scan", shop, "--config", secretRule}, `config file "` + secretRule + `": secrets.rules[0]: line 6: unknown key "entrophy" (did you mean "entropy"?)`},
		{append(kube, "--severity", "urgent"), `--severity: `},
		{append(kube, "--format", "nope"), `--format: unknown format "nope"`},
		{append(kube, "--config", typo), `unknown key "reachabilty"`},
		{[]string{"image", "no-such-image.tar", "--format", "nope"}, `--format: unknown format "nope"`},
		{[]string{"host", dir, "--sort", "colour"}, `--sort: unknown order "colour"`},
		{[]string{"sbom", "scan", "no-such.json", "--fail-on", "urgent"}, `--fail-on: `},
	} {
		start := time.Now()
		code, _, stderr := run(t, tt.args...)
		took := time.Since(start)
		if code != ExitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, stderr, tt.want)
		}
		if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines > 1 {
			t.Errorf("%q: %d lines on stderr: %q", tt.args, lines+1, stderr)
		}
		t.Logf("%s: %s", strings.Join(tt.args[:2], " "), took)
		// A scan of the example takes seconds; a second here means the
		// mistake was found after scanning (generous for a loaded machine).
		if took > time.Second {
			t.Errorf("%q took %s: the mistake was found after scanning", tt.args, took)
		}
	}
}

// TestConfigKeysAreFlags: keys the first config format refused
// (reachability, reachable-only, vex, history, db, output) set their flags,
// a list flag takes a sequence, and the command line wins over the file.
func TestConfigKeysAreFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	cfg := filepath.Join(dir, "fourc.yaml")
	data := "format: json\noutput: " + out + "\nscanners: [secret, dockerfile]\nreachability: false\nreachable-only: true\n" +
		"db: " + filepath.Join(dir, "none.db") + "\nvex: []\nhistory: false\nexclude: [k8s]\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join("..", "..", "examples", "shop")
	code, stdout, stderr := run(t, "scan", shop, "--config", cfg, "--quiet")
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	rep, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), `"FC-DF-`) || strings.Contains(string(rep), `"FC-K8S-`) {
		t.Errorf("config scanners/exclude not applied:\n%.400s", rep)
	}
	code, stdout, _ = run(t, "scan", shop, "--config", cfg, "--quiet", "--output", "-", "--format", "table")
	if code != ExitOK || !strings.Contains(stdout, "FC-DF-") || strings.Contains(stdout, `"schema_version"`) {
		t.Errorf("the command line did not win over the file: exit %d\n%.300s", code, stdout)
	}
}
