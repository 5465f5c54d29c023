package reach

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	MaybeChild()
	os.Exit(m.Run())
}

// vulndbVersion pins the real Go vulnerability database the tests read.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

// realRecord returns a real OSV record of golang.org/x/vulndb.
func realRecord(t *testing.T, id string) []byte {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion).Output()
	if err != nil {
		t.Fatalf("go mod download golang.org/x/vulndb: %v", err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(m.Dir, "data", "osv", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// app returns the test module (shared with package vuln) with its
// dependencies in the module cache.
func app(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "vuln", "testdata", "reach", "app"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in %s: %v\n%s", dir, err, out)
	}
	return dir
}

func TestAnalyseCalledAndCached(t *testing.T) {
	dir := app(t)
	opts := Options{
		Records:  map[string][]byte{"GO-2023-2102": realRecord(t, "GO-2023-2102")},
		Offline:  true,
		CacheDir: t.TempDir(),
		// Generous: the suite runs other packages' tests beside it.
		Timeout: 10 * time.Minute,
	}
	start := time.Now()
	res, err := Analyse(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	cold := time.Since(start)
	tr, ok := res[Key{OSV: "GO-2023-2102", Module: "golang.org/x/net"}]
	if !ok || tr.Level != Called {
		t.Fatalf("GO-2023-2102 in golang.org/x/net: %+v (all: %v), want called", tr, res)
	}
	if len(tr.CallPath) < 2 || !strings.HasPrefix(tr.CallPath[0], "example.com/reach.main") ||
		!strings.Contains(tr.CallPath[len(tr.CallPath)-1], "ServeConn") {
		t.Errorf("call path %v, want main … ServeConn", tr.CallPath)
	}

	start = time.Now()
	again, err := Analyse(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	warm := time.Since(start)
	if len(again) != len(res) || again[Key{"GO-2023-2102", "golang.org/x/net"}].Level != Called {
		t.Errorf("cached result %v differs from %v", again, res)
	}
	if warm > time.Second || warm > cold/2 {
		t.Errorf("cached analysis took %v (cold %v): the cache was not used", warm, cold)
	}
	t.Logf("cold %v, cached %v", cold, warm)
}

func TestAnalyseWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Analyse(context.Background(), t.TempDir(), Options{Records: map[string][]byte{"GO-1": []byte("{}")}})
	if !errors.Is(err, ErrNoGo) {
		t.Fatalf("err = %v, want ErrNoGo", err)
	}
	if !strings.Contains(err.Error(), "go command is not installed") {
		t.Errorf("message %q does not say what is missing", err)
	}
}

func TestAnalyseModuleThatCannotLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/broken\n\ngo 1.21\n\nrequire example.invalid/nothere v1.0.0\n")
	write(t, dir, "main.go", "package main\n\nimport _ \"example.invalid/nothere\"\n\nfunc main() {}\n")
	_, err := Analyse(context.Background(), dir, Options{
		Records: map[string][]byte{"GO-2023-2102": realRecord(t, "GO-2023-2102")},
		Offline: true,
	})
	if err == nil || !strings.Contains(err.Error(), "could not be loaded") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v, want a module that could not be loaded, naming %s", err, dir)
	}
}

func TestAnalyseStopsWhenCancelled(t *testing.T) {
	dir := app(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := Analyse(ctx, dir, Options{
		Records: map[string][]byte{"GO-2023-2102": realRecord(t, "GO-2023-2102")},
		Offline: true,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned %v after the start, want within 2s of cancelling", d)
	}
}

func TestAnalyseBoundsMemoryAndTime(t *testing.T) {
	dir := app(t)
	rec := map[string][]byte{"GO-2023-2102": realRecord(t, "GO-2023-2102")}
	_, err := Analyse(context.Background(), dir, Options{Records: rec, Offline: true, MaxMemory: 8 << 20})
	if err == nil || !strings.Contains(err.Error(), "memory") {
		t.Errorf("8 MiB budget: err = %v, want the memory budget", err)
	}
	_, err = Analyse(context.Background(), dir, Options{Records: rec, Offline: true, Timeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "took longer than 50ms") {
		t.Errorf("50ms budget: err = %v, want the time budget", err)
	}
}

func TestParse(t *testing.T) {
	stream := `{"config":{"protocol_version":"v1.0.0"}}
{"finding":{"osv":"GO-1","trace":[{"module":"m"}]}}
{"finding":{"osv":"GO-1","trace":[{"module":"m","package":"m/p"}]}}
{"finding":{"osv":"GO-2","trace":[{"module":"m","package":"m/p","function":"F","receiver":"*T"},{"module":"app","package":"app","function":"main"}]}}
{"finding":{"osv":"GO-3","trace":[{"module":"n"}]}}
`
	res, err := parse(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	want := map[Key]Level{{"GO-1", "m"}: Imported, {"GO-2", "m"}: Called, {"GO-3", "n"}: Required}
	for k, l := range want {
		if res[k].Level != l {
			t.Errorf("%v: %q, want %q", k, res[k].Level, l)
		}
	}
	if got := res[Key{"GO-2", "m"}].CallPath; !slices.Equal(got, []string{"app.main", "m/p.T.F"}) {
		t.Errorf("call path %v", got)
	}
	if _, err := parse(strings.NewReader("{")); err == nil {
		t.Error("truncated stream gave no error")
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
