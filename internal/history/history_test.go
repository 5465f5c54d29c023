package history

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/secret"
)

// repo is a git repository the test builds with the git binary.
type repo struct {
	t   *testing.T
	dir string
	n   int
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@shop.test",
		"GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@shop.test")
	if len(args) > 0 && args[0] == "commit" {
		r.n++
		date := "2024-01-0" + string(rune('0'+r.n)) + "T10:00:00Z"
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(name, data string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit's SHA.
func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

const (
	awsKeyID  = "AKIAQ3EGRJ7KZ5WXTM4P"
	awsSecret = "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"
	ghToken   = "ghp_Xk9mQ2vL7rT4wZ8nB3cY6pD1sF5gH0jK2aE7"
)

type brief struct {
	Check, Path string
	Line        int
	Object      string
	State       string
}

func TestScan(t *testing.T) {
	r := newRepo(t)
	r.write("README.md", "# shop\n")
	r.write("app/config.go", "package app\n\nconst region = \"eu-west-1\"\n")
	r.commit("initial")
	// The secret arrives with other changes, below a line of context.
	r.write("app/config.go", "package app\n\nconst region = \"eu-west-1\"\n\nconst accessKeyID = \""+awsKeyID+"\"\n")
	added := r.commit("add AWS credentials")
	r.write("app/config.go", "package app\n\nconst region = \"eu-west-1\"\n")
	r.commit("remove credentials")
	// A token that is still there, in a path git has to quote.
	r.write("deploy/my \"ci\" env.sh", "export A=1\nexport GITHUB_TOKEN="+ghToken+"\n")
	tokenCommit := r.commit("ci")
	// A secret on a branch that was never merged, and a content line that
	// starts with "++" (shown as "+++" in the diff).
	r.git("checkout", "-q", "-b", "experiment")
	r.write("notes.txt", "++ not a header\nold key "+awsKeyID+"\n")
	branch := r.commit("experiment")
	r.git("checkout", "-q", "main")
	// The same key copied into another file later: a new exposure there.
	r.write("app/config.go", "package app\n\nconst region = \"eu-west-1\"\n")

	det, err := secret.NewDetector(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, skipped, err := Scan(t.Context(), r.dir, det)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	var got []brief
	for _, f := range fs {
		state := "removed"
		if strings.Contains(f.Message, "still present at HEAD") {
			state = "present"
		}
		got = append(got, brief{f.CheckID, f.Location.Path, f.Location.StartLine, f.Location.Object, state})
		t.Logf("%s %s: %s", f.CheckID, f.Location, f.Message)
		if strings.Contains(f.Message, awsKeyID) || strings.Contains(f.Message, ghToken) {
			t.Errorf("message shows the secret in full: %s", f.Message)
		}
	}
	awsID := ruleOf(t, det, awsKeyID)
	ghID := ruleOf(t, det, "GITHUB_TOKEN="+ghToken)
	want := []brief{
		{awsID, "app/config.go", 5, "commit " + added, "removed"},
		{ghID, "deploy/my \"ci\" env.sh", 2, "commit " + tokenCommit, "present"},
		{awsID, "notes.txt", 2, "commit " + branch, "removed"},
	}
	if diff := cmp.Diff(sortBriefs(want), sortBriefs(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if f.Location.Path == "app/config.go" && !strings.Contains(f.Message, "added in commit "+added[:12]+" (2024-01-02T10:00:00+00:00)") {
			t.Errorf("message does not name the commit and its date: %s", f.Message)
		}
	}
}

func ruleOf(t *testing.T, det *secret.Detector, s string) string {
	t.Helper()
	ms := det.Scan([]byte(s + "\n"))
	if len(ms) == 0 {
		t.Fatalf("the detector finds nothing in %q", s)
	}
	return ms[0].RuleID
}

func sortBriefs(b []brief) []brief {
	out := append([]brief(nil), b...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Path < out[j-1].Path; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestSameSecretTwice: a secret added, removed and added again in one file
// is reported once, against the commit that first added it.
func TestSameSecretTwice(t *testing.T) {
	r := newRepo(t)
	r.write("a.env", "AWS_SECRET_ACCESS_KEY="+awsSecret+"\n")
	first := r.commit("one")
	r.write("a.env", "\n")
	r.commit("two")
	r.write("a.env", "AWS_SECRET_ACCESS_KEY="+awsSecret+"\n")
	r.commit("three")
	det, _ := secret.NewDetector(secret.Options{})
	fs, _, err := Scan(t.Context(), r.dir, det)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Location.Object != "commit "+first || !strings.Contains(fs[0].Message, "still present at HEAD") {
		for _, f := range fs {
			t.Logf("%s %s", f.Location, f.Message)
		}
		t.Fatalf("want one finding for commit %s, present at HEAD", first)
	}
}

func TestNotARepository(t *testing.T) {
	det, _ := secret.NewDetector(secret.Options{})
	_, _, err := Scan(t.Context(), t.TempDir(), det)
	if err == nil || !strings.Contains(err.Error(), "reading git history") {
		t.Fatalf("err = %v, want a git history error", err)
	}
}

func TestHunkHeader(t *testing.T) {
	for s, want := range map[string][4]int{
		"@@ -0,0 +1,3 @@":      {0, 3, 1, 1},
		"@@ -5 +5 @@ func x()": {1, 1, 5, 1},
		"@@ -3,2 +2,0 @@":      {2, 0, 2, 1},
		"@@ -a +1 @@":          {0, 0, 0, 0},
		"@@ -1,-1 +1 @@":       {0, 0, 0, 0},
	} {
		o, n, s0, ok := hunkHeader(s)
		okI := 0
		if ok {
			okI = 1
		}
		if got := [4]int{o, n, s0, okI}; got != want {
			t.Errorf("hunkHeader(%q) = %v, want %v", s, got, want)
		}
	}
}
