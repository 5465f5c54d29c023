package vulndb

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// vulndbVersion is the pinned golang.org/x/vulndb module whose data/osv
// holds the real Go OSV records the tests use.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

var (
	osvDirOnce sync.Once
	osvDir     string
	osvDirErr  error
)

// realOSVDir returns data/osv of the pinned vulndb module, downloading the
// module through the Go module proxy when the cache lacks it.
func realOSVDir(t testing.TB) string {
	t.Helper()
	osvDirOnce.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion).Output()
		if err != nil {
			osvDirErr = err
			return
		}
		var m struct{ Dir string }
		if osvDirErr = json.Unmarshal(out, &m); osvDirErr == nil {
			osvDir = filepath.Join(m.Dir, "data", "osv")
		}
	})
	if osvDirErr != nil {
		t.Fatalf("downloading golang.org/x/vulndb@%s: %v", vulndbVersion, osvDirErr)
	}
	return osvDir
}

// realRecords returns the file names and contents of n real records (all
// when n <= 0), sorted by name.
func realRecords(t testing.TB, n int) map[string][]byte {
	t.Helper()
	dir := realOSVDir(t)
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no OSV records in %s: %v", dir, err)
	}
	slices.Sort(names)
	if n > 0 && n < len(names) {
		names = names[len(names)-n:]
	}
	out := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(name)] = b
	}
	return out
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var fixedNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

func TestImportRealRecords(t *testing.T) {
	dir := realOSVDir(t)
	entries, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	path := filepath.Join(t.TempDir(), "fourc.db")
	st, err := Import(context.Background(), path, dir, ImportOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != len(entries) || st.Ecosystems["Go"] != len(entries) {
		t.Errorf("Import: %d records, %d Go; want %d", st.Records, st.Ecosystems["Go"], len(entries))
	}
	if len(entries) < 4000 {
		t.Errorf("only %d real records in %s", len(entries), dir)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Verify(); err != nil {
		t.Fatal(err)
	}
	got := db.Status()
	if !got.BuiltAt.Equal(fixedNow) || got.Checksum != st.Checksum || len(got.Sources) != 1 || got.Sources[0].Origin != dir {
		t.Errorf("Status after open = %+v", got)
	}
	if got.Stale(fixedNow.Add(24*time.Hour), 0) || !got.Stale(fixedNow.Add(8*24*time.Hour), 0) {
		t.Errorf("Stale: wrong at 1 and 8 days")
	}
	recs, err := db.Lookup("Go", "golang.org/x/net")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	if !slices.Contains(ids, "GO-2023-2102") {
		t.Errorf("Lookup(Go, golang.org/x/net) lacks GO-2023-2102; got %d records", len(ids))
	}
	r, err := db.Get("GO-2023-2102")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CVE-2023-39325", "GHSA-4374-p667-p6c8"}, r.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if _, err := db.Get("GO-0000-0000"); err == nil {
		t.Error("Get of an unknown ID succeeded")
	}

	// Export for govulncheck writes one file per Go record.
	out := t.TempDir()
	n, err := db.Export(out, "Go")
	if err != nil || n != len(entries) {
		t.Fatalf("Export = %d, %v; want %d", n, err, len(entries))
	}
	if n, _ := db.Export(t.TempDir(), "npm"); n != 0 {
		t.Errorf("Export(npm) = %d, want 0", n)
	}
}

func TestImportZipMergesSources(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db", "fourc.db")
	recs := realRecords(t, 50)
	a, b := map[string][]byte{}, map[string][]byte{}
	i := 0
	for n, v := range recs {
		if i%2 == 0 {
			a[n] = v
		} else {
			b[n] = v
		}
		i++
	}
	za := filepath.Join(t.TempDir(), "a.zip")
	os.WriteFile(za, zipOf(t, a), 0o644)
	dirB := t.TempDir()
	for n, v := range b {
		os.WriteFile(filepath.Join(dirB, n), v, 0o644)
	}
	if _, err := Import(context.Background(), path, za, ImportOptions{Now: clock}); err != nil {
		t.Fatal(err)
	}
	st, err := Import(context.Background(), path, dirB, ImportOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 50 || len(st.Sources) != 2 {
		t.Fatalf("after two imports: %d records, %d sources; want 50, 2", st.Records, len(st.Sources))
	}
	// Re-importing a source replaces its records instead of adding to them.
	for n := range b {
		os.Remove(filepath.Join(dirB, n))
		break
	}
	st, err = Import(context.Background(), path, dirB, ImportOptions{Now: clock})
	if err != nil || st.Records != 49 {
		t.Fatalf("re-import: %d records, %v; want 49", st.Records, err)
	}
}

func TestImportBadInputKeepsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fourc.db")
	good := t.TempDir()
	for n, v := range realRecords(t, 5) {
		os.WriteFile(filepath.Join(good, n), v, 0o644)
	}
	before, err := Import(context.Background(), path, good, ImportOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]map[string]string{
		"invalid JSON":  {"GO-1.json": `{"id": "GO-1", "affected": [`},
		"missing id":    {"GO-2.json": `{"summary": "x"}`},
		"hostile id":    {"GO-3.json": `{"id": "../../etc/passwd"}`},
		"trailing data": {"GO-4.json": `{"id": "GO-4"} {}`},
		"no records":    {"README.txt": "nothing here"},
		"bad affected":  {"GO-5.json": `{"id": "GO-5", "affected": [{"package": {"name": "x"}}]}`},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for n, v := range files {
				os.WriteFile(filepath.Join(dir, n), []byte(v), 0o644)
			}
			if _, err := Import(context.Background(), path, dir, ImportOptions{Now: clock}); err == nil {
				t.Fatal("Import succeeded on bad input")
			} else if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the input", err)
			}
			assertDB(t, path, before)
		})
	}
	if _, err := Import(context.Background(), path, filepath.Join(good, "missing"), ImportOptions{}); err == nil {
		t.Error("Import of a missing path succeeded")
	}
}

// assertDB checks that the database at path opens, verifies and is the one
// described by want.
func assertDB(t *testing.T, path string, want Status) {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("database no longer opens: %v", err)
	}
	defer db.Close()
	if err := db.Verify(); err != nil {
		t.Fatalf("database no longer verifies: %v", err)
	}
	if got := db.Status(); got.Checksum != want.Checksum || got.Records != want.Records {
		t.Fatalf("database changed: %d records %s, want %d %s", got.Records, got.Checksum, want.Records, want.Checksum)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".fourc-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestOpenAndVerifyDetectTampering(t *testing.T) {
	dir := t.TempDir()
	for n, v := range realRecords(t, 10) {
		os.WriteFile(filepath.Join(dir, n), v, 0o644)
	}
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := Import(context.Background(), path, dir, ImportOptions{Now: clock}); err != nil {
		t.Fatal(err)
	}
	tamper := func(f func(tx *bolt.Tx) error) {
		b, err := bolt.Open(path, 0o644, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Update(f); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	var first []byte
	tamper(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketRecords).Cursor().First()
		first = bytes.Clone(k)
		return tx.Bucket(bucketRecords).Put(k, bytes.Replace(v, []byte(`"id"`), []byte(`"id" `), 1))
	})
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open after changing a record: %v", err)
	}
	if err := db.Verify(); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("Verify after changing a record = %v, want a checksum error", err)
	}
	db.Close()
	tamper(func(tx *bolt.Tx) error { return tx.Bucket(bucketRecords).Delete(first) })
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "metadata says") {
		t.Errorf("Open after deleting a record = %v, want a count error", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("Open of a missing file succeeded")
	}
	notDB := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(notDB, []byte("hello"), 0o644)
	if _, err := Open(notDB); err == nil {
		t.Error("Open of a non-database succeeded")
	}
}

// osvServer serves OSV exports in the bucket layout <base>/<Ecosystem>/all.zip.
type osvServer struct {
	mu    sync.Mutex
	mode  string // "", "truncate", "corrupt", "hang", "404"
	zips  map[string][]byte
	hang  chan struct{}
	count int
}

func (s *osvServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	mode := s.mode
	s.count++
	s.mu.Unlock()
	eco, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/all.zip")
	z, found := s.zips[eco]
	if !ok || !found || mode == "404" {
		http.NotFound(w, r)
		return
	}
	switch mode {
	case "truncate":
		w.Header().Set("Content-Length", strconv.Itoa(len(z)))
		w.Write(z[:len(z)/2])
		return // the server closes the connection short of Content-Length
	case "corrupt":
		c := bytes.Clone(z)
		for i := len(c) / 3; i < len(c)/3+64; i++ {
			c[i] ^= 0xff
		}
		z = c
	case "hang":
		w.Header().Set("Content-Length", strconv.Itoa(len(z)))
		w.Write(z[:100])
		w.(http.Flusher).Flush()
		select {
		case <-s.hang:
		case <-r.Context().Done():
		}
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(z)))
	w.Write(z)
}

func TestUpdate(t *testing.T) {
	recs := realRecords(t, 200)
	srv := &osvServer{zips: map[string][]byte{"Go": zipOf(t, recs)}, hang: make(chan struct{})}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer close(srv.hang)
	path := filepath.Join(t.TempDir(), "cache", "fourc.db")

	var calls [][2]int64
	opts := UpdateOptions{BaseURL: ts.URL, Ecosystems: []string{"Go"}, Now: clock,
		Progress: func(done, total int64) { calls = append(calls, [2]int64{done, total}) }}
	before, err := Update(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if before.Records != 200 || len(before.Sources) != 1 || before.Sources[0].Name != "Go" ||
		before.Sources[0].Origin != ts.URL+"/Go/all.zip" {
		t.Fatalf("Update status = %+v", before)
	}
	if len(calls) < 2 || calls[len(calls)-1][0] != int64(len(srv.zips["Go"])) || calls[len(calls)-1][1] != int64(len(srv.zips["Go"])) {
		t.Errorf("progress calls end with %v, want done == total == %d", calls[len(calls)-1], len(srv.zips["Go"]))
	}
	assertDB(t, path, before)

	bad := []struct {
		mode, want string
		ctx        func() (context.Context, context.CancelFunc)
	}{
		{mode: "truncate", want: "unexpected EOF"},
		{mode: "corrupt", want: "zip"},
		{mode: "hang", want: "no data received"},
		{mode: "404", want: "404"},
		{mode: "hang", want: "context canceled", ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}},
	}
	for _, tc := range bad {
		t.Run(tc.mode+"/"+tc.want, func(t *testing.T) {
			srv.mu.Lock()
			srv.mode = tc.mode
			srv.mu.Unlock()
			ctx, cancel := context.WithCancel(context.Background())
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			o := opts
			o.Progress = nil
			o.StallTimeout = 300 * time.Millisecond
			if tc.ctx != nil {
				o.StallTimeout = time.Minute
			}
			start := time.Now()
			_, err := Update(ctx, path, o)
			if err == nil {
				t.Fatal("Update succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Update took %s to fail", d)
			}
			assertDB(t, path, before)
		})
	}

	// An update keeps imported records and replaces the ecosystem's.
	srv.mu.Lock()
	srv.mode = ""
	srv.mu.Unlock()
	extra := t.TempDir()
	os.WriteFile(filepath.Join(extra, "LOCAL-1.json"), []byte(`{"id":"LOCAL-1","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]}]}`), 0o644)
	if _, err := Import(context.Background(), path, extra, ImportOptions{Now: clock}); err != nil {
		t.Fatal(err)
	}
	// Without --ecosystem, an update downloads every language and OS
	// ecosystem, as OSV names its exports ("Red Hat" with a space).
	srv.zips["Go"] = zipOf(t, realRecords(t, 120))
	for _, eco := range append(DefaultEcosystems(), OSEcosystems()...) {
		if eco != "Go" {
			srv.zips[eco] = zipOf(t, nil)
		}
	}
	srv.zips["Debian"] = zipOf(t, map[string][]byte{
		"DSA-5514-1.json": []byte(`{"id":"DSA-5514-1","aliases":["CVE-2023-4911"],"affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.36-9+deb12u3"}]}]}]}`),
		"DSA-5724-1.json": []byte(`{"id":"DSA-5724-1","aliases":["CVE-2024-6387"],"affected":[{"package":{"ecosystem":"Debian:12","name":"openssh"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:9.2p1-2+deb12u3"}]}]}]}`),
	})
	srv.zips["Red Hat"] = zipOf(t, map[string][]byte{
		"RHSA-2024:4312.json": []byte(`{"id":"RHSA-2024:4312","affected":[{"package":{"ecosystem":"Red Hat:enterprise_linux:9::baseos","name":"openssh"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0:8.7p1-38.el9_4.1"}]}]}]}`),
	})
	srv.mu.Lock()
	srv.count = 0
	srv.mu.Unlock()
	st, err := Update(context.Background(), path, UpdateOptions{BaseURL: ts.URL, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"npm": 1, "Go": 120, "Debian:12": 2, "Red Hat:enterprise_linux:9::baseos": 1}
	if st.Records != 124 || !cmp.Equal(st.Ecosystems, want) {
		t.Errorf("after update with an import: %d records, ecosystems %v; want 124, %v", st.Records, st.Ecosystems, want)
	}
	if n := len(DefaultEcosystems()) + len(OSEcosystems()); srv.count != n {
		t.Errorf("the update made %d requests, want one per default ecosystem (%d)", srv.count, n)
	}
	// A mirror without some default ecosystem: the others are updated,
	// the missing one is named and its records kept.
	delete(srv.zips, "Red Hat")
	st, err = Update(context.Background(), path, UpdateOptions{BaseURL: ts.URL, Now: clock})
	if err != nil || st.Records != 124 || !slices.Equal(st.Unavailable, []string{"Red Hat"}) {
		t.Errorf("update from a mirror without Red Hat: %d records, unavailable %v, %v; want 124, [Red Hat]", st.Records, st.Unavailable, err)
	}
	if _, err := Update(context.Background(), path, UpdateOptions{BaseURL: ts.URL, Ecosystems: []string{"Red Hat"}}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("update naming an ecosystem the server lacks: %v, want a 404 error", err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for eco, want := range map[string]bool{"Debian:12": true, "Debian:11": false, "Red Hat": true, "Red Hat:enterprise_linux:9::baseos": true,
		"Go": true, "Alpine:v3.20": false, "Ubuntu:22.04": false, "": false} {
		if got := db.Covers(eco); got != want {
			t.Errorf("Covers(%q) = %v, want %v", eco, got, want)
		}
	}
	if recs, err := db.Lookup("Red Hat", "openssh"); err != nil || len(recs) != 1 {
		t.Errorf("Lookup(Red Hat, openssh) = %d records, %v; want the record filed under a longer ecosystem", len(recs), err)
	}
	db.Close()
	if _, err := Update(context.Background(), path, UpdateOptions{BaseURL: ts.URL, Ecosystems: []string{"../x"}}); err == nil {
		t.Error("Update accepted an ecosystem with a path separator")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("FOURC_DB", "/x/y.db")
	if p, _ := DefaultPath(); p != "/x/y.db" {
		t.Errorf("DefaultPath with FOURC_DB = %q", p)
	}
	t.Setenv("FOURC_DB", "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if p, _ := DefaultPath(); p != "/cache/fourc/db/fourc.db" {
		t.Errorf("DefaultPath = %q", p)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ eco, in, want string }{
		{"PyPI", "Django_Rest.Framework", "django-rest-framework"},
		{"PyPI", "a--b", "a-b"},
		{"npm", "Left-Pad", "Left-Pad"},
		{"crates.io", "Serde", "serde"},
		{"Go", "golang.org/x/net", "golang.org/x/net"},
	}
	for _, tc := range tests {
		if got := NormalizeName(tc.eco, tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q, %q) = %q, want %q", tc.eco, tc.in, got, tc.want)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	for _, v := range realRecords(f, 20) {
		f.Add(v)
	}
	f.Add([]byte(`{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["1"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, compact, err := ParseRecord(data)
		if err != nil {
			return
		}
		if !idPattern.MatchString(r.ID) || !json.Valid(compact) {
			t.Fatalf("accepted record with id %q or invalid compact JSON", r.ID)
		}
		r2, _, err := ParseRecord(compact)
		if err != nil || r2.ID != r.ID {
			t.Fatalf("compacted record does not parse back: %v", err)
		}
	})
}
