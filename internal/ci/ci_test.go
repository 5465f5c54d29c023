package ci

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	// awsKey is the AWS key ID of the FC-SEC-001 fail fixture.
	awsKey = "AKIAB3RXXHKQLG5HNQ4G"
	root   = "../.."
)

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// fourcOnPath builds fourc once and puts it first on PATH, as `go install`
// (the Action) and pre-commit's golang language do.
func fourcOnPath(t *testing.T) {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "fourc-ci")
		if binErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "fourc"), "github.com/fourc-dev/fourc/cmd/fourc").CombinedOutput()
		if err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	t.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type action struct {
	Name        string
	Description string
	Inputs      map[string]struct {
		Description string
		Required    *bool
		Default     *string
	}
	Runs struct {
		Using string
		Steps []struct {
			Name  string
			ID    string
			Uses  string
			With  map[string]string
			Run   string
			Shell string
			Env   map[string]string
		}
	}
}

func readAction(t *testing.T) action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		// Only the fields above are allowed besides branding and outputs.
		var loose action
		if err2 := yaml.Unmarshal(data, &loose); err2 != nil {
			t.Fatalf("action.yml: %v", err2)
		}
		a = loose
	}
	return a
}

// TestActionShape checks action.yml: a composite action with the inputs
// path, format, fail-on and args, steps that install fourc at the action's
// ref, scan to fourc.sarif and upload it, and no reference to an
// undeclared input.
func TestActionShape(t *testing.T) {
	a := readAction(t)
	if a.Name == "" || a.Description == "" {
		t.Errorf("action.yml: name and description are required")
	}
	for _, in := range []string{"path", "format", "fail-on", "args"} {
		i, ok := a.Inputs[in]
		if !ok || i.Description == "" || i.Default == nil {
			t.Errorf("input %q missing, or without a description or default", in)
		}
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	var setupGo, install, scan, upload bool
	for i, s := range a.Runs.Steps {
		switch {
		case s.Uses != "" && s.Run != "":
			t.Errorf("step %d (%s) has both uses and run", i, s.Name)
		case s.Uses == "" && (s.Run == "" || s.Shell == ""):
			t.Errorf("step %d (%s): a run step of a composite action needs run and shell", i, s.Name)
		case s.Uses != "" && !regexp.MustCompile(`^[\w.-]+/[\w./-]+@v\d+$`).MatchString(s.Uses):
			t.Errorf("step %d uses %q, want owner/repo@vN", i, s.Uses)
		}
		setupGo = setupGo || strings.HasPrefix(s.Uses, "actions/setup-go@")
		install = install || strings.Contains(s.Run, "go install \"github.com/fourc-dev/fourc/cmd/fourc@${FOURC_REF") && s.Env["FOURC_REF"] == "${{ github.action_ref }}"
		scan = scan || strings.Contains(s.Run, "fourc scan") && strings.Contains(s.Run, "--format sarif --output fourc.sarif")
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
			upload = s.With["sarif_file"] != ""
		}
	}
	if !setupGo || !install || !scan || !upload {
		t.Errorf("steps: setup-go %v, go install at the action ref %v, scan to fourc.sarif %v, upload-sarif with sarif_file %v", setupGo, install, scan, upload)
	}
	data, _ := os.ReadFile(filepath.Join(root, "action.yml"))
	for _, m := range regexp.MustCompile(`inputs\.([\w-]+)`).FindAllStringSubmatch(string(data), -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml refers to undeclared input %q", m[1])
		}
	}
}

// TestActionScanStep runs the Action's scan step with bash as the runner
// would (inputs as environment, GITHUB_OUTPUT a file) on a tree holding a
// secret: it writes valid SARIF naming the finding, prints the table and
// hands exit code 1 to the gate step.
func TestActionScanStep(t *testing.T) {
	fourcOnPath(t)
	a := readAction(t)
	var run string
	var env map[string]string
	for _, s := range a.Runs.Steps {
		if s.ID == "scan" {
			run, env = s.Run, s.Env
		}
	}
	if run == "" {
		t.Fatal("action.yml has no step with id scan")
	}
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "app", "credentials"), []byte("[default]\naws_access_key_id = "+awsKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(t.TempDir(), "github_output")
	inputs := map[string]string{"path": "app", "format": "table", "fail-on": "high", "args": "--scanners secret --no-color"}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", run) // as the runner does
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+outFile)
	for k, v := range env {
		m := regexp.MustCompile(`^\$\{\{ inputs\.([\w-]+) \}\}$`).FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("env %s=%q is not an input", k, v)
		}
		cmd.Env = append(cmd.Env, k+"="+inputs[m[1]])
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scan step: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "FC-SEC-001") || strings.Contains(string(out), awsKey) {
		t.Errorf("table in the job log does not show the redacted finding:\n%s", out)
	}
	got, _ := os.ReadFile(outFile)
	if !strings.Contains(string(got), "exit-code=1\n") || !strings.Contains(string(got), "sarif=fourc.sarif\n") {
		t.Errorf("step outputs %q, want sarif=fourc.sarif and exit-code=1", got)
	}
	data, err := os.ReadFile(filepath.Join(work, "fourc.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string
		Runs    []struct {
			Results []struct{ RuleID string }
		}
	}
	if err := json.Unmarshal(data, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("fourc.sarif is not SARIF 2.1.0 (%v): %.200s", err, data)
	}
	if len(sarif.Runs[0].Results) == 0 || sarif.Runs[0].Results[0].RuleID != "FC-SEC-001" {
		t.Errorf("fourc.sarif results %+v, want FC-SEC-001", sarif.Runs[0].Results)
	}
}

type hook struct {
	ID            string
	Name          string
	Entry         string
	Language      string
	Types         []string
	RequireSerial bool `yaml:"require_serial"`
	Description   string
}

// TestPreCommitHooks stages files in a temporary git repository and runs
// each hook's entry with the staged names appended, as pre-commit does:
// a staged AWS key or a root Dockerfile fails the commit with the finding
// (the key redacted), clean files pass.
func TestPreCommitHooks(t *testing.T) {
	fourcOnPath(t)
	data, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	byID := map[string]hook{}
	for _, h := range hooks {
		if h.ID == "" || h.Name == "" || h.Language != "golang" || !strings.HasPrefix(h.Entry, "fourc scan ") {
			t.Errorf("hook %+v: want id, name, language golang and a fourc scan entry", h)
		}
		byID[h.ID] = h
	}
	cases := []struct {
		hook, file, content string
		exit                int
		want                string
	}{
		{"fourc-secrets", "app/credentials", "[default]\naws_access_key_id = " + awsKey + "\n", 1, "FC-SEC-001"},
		{"fourc-secrets", "app/README.md", "Set the key in your environment.\n", 0, "0 findings"},
		{"fourc-iac", "Dockerfile", "FROM debian:12\nUSER root\n", 1, "FC-DF-004"},
		{"fourc-iac", "deploy/Dockerfile", "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\nUSER 10001:10001\nHEALTHCHECK NONE\n", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.hook+"/"+c.file, func(t *testing.T) {
			h, ok := byID[c.hook]
			if !ok {
				t.Fatalf("no hook %q", c.hook)
			}
			repo := t.TempDir()
			git(t, repo, "init", "-q")
			// An unstaged secret beside the staged file must not be scanned.
			write(t, repo, "unstaged/credentials", "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2\n")
			write(t, repo, c.file, c.content)
			git(t, repo, "add", c.file)
			staged := strings.Fields(git(t, repo, "diff", "--cached", "--name-only"))
			if len(staged) != 1 {
				t.Fatalf("staged %q", staged)
			}
			// pre-commit runs the entry with the file names appended; a
			// second, clean staged file checks the several-files form.
			write(t, repo, "notes.txt", "nothing here\n")
			git(t, repo, "add", "notes.txt")
			staged = strings.Fields(git(t, repo, "diff", "--cached", "--name-only"))
			args := append(strings.Fields(h.Entry), staged...)
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = repo
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.exit {
				t.Fatalf("%s: exit %d, want %d\n%s", strings.Join(args, " "), code, c.exit, out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
			if strings.Contains(string(out), awsKey) || strings.Contains(string(out), "unstaged") {
				t.Errorf("output shows the key in clear or an unstaged file:\n%s", out)
			}
		})
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
