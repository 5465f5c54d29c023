package history

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/secret"
)

// monorepo builds a repository whose project lives in examples/shop, next
// to another folder with secrets of its own in the history: one still
// there, one deleted, and in the project a secret still present, one
// deleted, and one a side branch added and removed before it was merged
// (and the branch deleted), which git's default history simplification
// would hide from a walk limited to the folder.
func monorepo(t *testing.T) *repo {
	t.Helper()
	r := newRepo(t)
	r.write("README.md", "# mono\n")
	r.write("examples/shop/app/config.go", "package app\n\nconst accessKeyID = \""+awsKeyID+"\"\n")
	r.write("examples/shop/old.env", "AWS_SECRET_ACCESS_KEY="+awsSecret+"\n")
	r.write("other/leak.env", "GITHUB_TOKEN="+ghToken+"\n")
	r.write("other/gone.go", "package other\n\nconst id = \""+awsKeyID+"\"\n")
	r.commit("initial")
	r.write("examples/shop/old.env", "REGION=eu-west-1\n")
	r.write("other/gone.go", "package other\n")
	r.commit("remove two secrets")

	r.git("checkout", "-q", "-b", "try")
	r.write("examples/shop/branch.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	r.commit("try a token")
	r.write("examples/shop/branch.sh", "export A=1\n")
	r.commit("no token")
	r.git("rm", "-q", "examples/shop/branch.sh")
	r.commit("drop the script")
	r.git("checkout", "-q", "main")
	r.write("README.md", "# mono\n\nmain moved on\n")
	r.commit("main moves on")
	r.git("-c", "commit.gpgsign=false", "merge", "-q", "--no-ff", "-m", "merge try", "try")
	r.git("branch", "-q", "-D", "try")
	return r
}

type where struct {
	Path   string
	AtHead bool
}

func wheres(fs []Finding) []where {
	var out []where
	for _, f := range fs {
		out = append(out, where{f.Location.Path, f.AtHead})
	}
	slices.SortFunc(out, func(a, b where) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// TestScanSubfolder: the history of a folder is the history of its files
// alone, named relative to the folder as a scan of the working tree names
// them; secrets of another folder of the repository are not reported.
func TestScanSubfolder(t *testing.T) {
	r := monorepo(t)
	det, err := secret.NewDetector(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join(r.dir, "examples", "shop")
	fs, skipped, err := Scan(t.Context(), shop, det)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	want := []where{{"app/config.go", true}, {"branch.sh", false}, {"old.env", false}}
	if diff := cmp.Diff(want, wheres(fs)); diff != "" {
		t.Errorf("history of examples/shop (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "examples/shop") || strings.HasPrefix(f.Resource.Name, "examples/") {
			t.Errorf("%s names the repository path: %s (%s)", f.Location.Path, f.Message, f.Resource.Name)
		}
	}

	// The whole repository, from its top: both folders, named from the top.
	all, _, err := Scan(t.Context(), r.dir, det)
	if err != nil {
		t.Fatal(err)
	}
	want = []where{
		{"examples/shop/app/config.go", true}, {"examples/shop/branch.sh", false}, {"examples/shop/old.env", false},
		{"other/gone.go", false}, {"other/leak.env", true},
	}
	if diff := cmp.Diff(want, wheres(all)); diff != "" {
		t.Errorf("history of the repository (-want +got):\n%s", diff)
	}

	// One file of the folder (a single-file scan target).
	one, _, err := Scan(t.Context(), shop, det, "old.env")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]where{{"old.env", false}}, wheres(one)); diff != "" {
		t.Errorf("history of examples/shop/old.env (-want +got):\n%s", diff)
	}
}

// TestMergeSubfolder: in a scan of a folder, the secret still present at
// HEAD has the fingerprint of its working-tree finding, so the two are
// reported once, under the folder's relative path.
func TestMergeSubfolder(t *testing.T) {
	r := monorepo(t)
	sc, err := secret.NewScanner(secret.Options{})
	if err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join(r.dir, "examples", "shop")
	tree, _ := sc.Scan(t.Context(), os.DirFS(shop), []string{"app/config.go", "old.env"})
	if len(tree) != 1 || tree[0].Location.Path != "app/config.go" {
		t.Fatalf("working tree: %v, want the secret in app/config.go", tree)
	}
	hist, _, err := Scan(t.Context(), shop, sc.Detector())
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]string{}
	for _, f := range Merge(tree, hist) {
		byPath[f.Location.Path] = append(byPath[f.Location.Path], f.Location.Object)
	}
	if got := byPath["app/config.go"]; len(got) != 1 || !strings.HasPrefix(got[0], "commit ") {
		t.Errorf("app/config.go: %q, want one history finding", got)
	}
	if len(byPath) != 3 {
		t.Errorf("merged findings by path: %v, want app/config.go, branch.sh and old.env", byPath)
	}
}
