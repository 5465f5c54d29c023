package history

import (
	"os"
	"testing"

	"github.com/fourc-dev/fourc/internal/secret"
)

// TestMerge joins a scan of the working tree with the history: the secret
// still present at HEAD is reported once, by its history finding, on its
// fingerprint alone; the removed one stays a history finding; a secret
// added to the tree after HEAD stays a tree finding.
func TestMerge(t *testing.T) {
	r := newRepo(t)
	r.write("a.env", "AWS_SECRET_ACCESS_KEY="+awsSecret+"\n")
	r.write("old.go", "package main\n\nconst key = \""+awsKeyID+"\"\n")
	r.commit("one")
	r.write("old.go", "package main\n")
	r.commit("two")
	r.write("new.sh", "export GITHUB_TOKEN="+ghToken+"\n") // not committed

	sc, err := secret.NewScanner(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(r.dir)
	tree, _ := sc.Scan(t.Context(), fsys, []string{"a.env", "new.sh", "old.go"})
	hist, _, err := Scan(t.Context(), r.dir, sc.Detector())
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]string{}
	for _, f := range Merge(tree, hist) {
		byPath[f.Location.Path] = append(byPath[f.Location.Path], f.Location.Object)
	}
	if got := byPath["a.env"]; len(got) != 1 || got[0] == "" {
		t.Errorf("a.env: %q, want one history finding", got)
	}
	if got := byPath["old.go"]; len(got) != 1 || got[0] == "" {
		t.Errorf("old.go: %q, want one history finding", got)
	}
	if got := byPath["new.sh"]; len(got) != 1 || got[0] != "" {
		t.Errorf("new.sh: %q, want one working-tree finding", got)
	}
	for _, h := range hist {
		if h.Commit == "" || h.AtHead != (h.Location.Path == "a.env") {
			t.Errorf("%s: commit %q, at HEAD %v", h.Location.Path, h.Commit, h.AtHead)
		}
	}
}
