package vulndb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// damagedCopies writes copies of the database at path: truncated at
// several lengths and with bytes flipped at several offsets.
func damagedCopies(t *testing.T, path string) map[string]string {
	t.Helper()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := map[string]string{}
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name+".db")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	n := len(orig)
	for _, cut := range []int{0, 10, 100, 4096, 4096 + 100, 8192, 3 * 4096, n / 4, n / 2, n - 4096, n - 1} {
		if cut >= 0 && cut < n {
			write("truncated-"+itoa(cut), orig[:cut])
		}
	}
	// Flip bytes in the meta pages, then in every page, at a few places in
	// each: headers, element tables and values.
	for off := 0; off < n; off += 4096 {
		for _, in := range []int{0, 16, 40, 2000} {
			if off+in >= n {
				continue
			}
			c := append([]byte(nil), orig...)
			c[off+in] ^= 0xff
			write("flipped-"+itoa(off+in), c)
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDamagedDatabase opens truncated and bit-flipped copies of a real
// database and reads them the way scan, image and db status do: every
// outcome is either a correct answer or a DamagedError, never a panic.
func TestDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	for n, v := range realRecords(t, 150) {
		os.WriteFile(filepath.Join(dir, n), v, 0o644)
	}
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := Import(context.Background(), path, dir, ImportOptions{Now: clock}); err != nil {
		t.Fatal(err)
	}
	copies := damagedCopies(t, path)
	start := time.Now()
	var openErrs, verifyErrs, intact int
	for name, p := range copies {
		err := readAll(p)
		switch {
		case err == nil:
			intact++
		case !errors.Is(err, ErrDamaged):
			t.Errorf("%s: %v, want a DamagedError", name, err)
		case strings.Contains(err.Error(), "verify:"):
			verifyErrs++
		default:
			openErrs++
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "run `fourc db import --starter` or `fourc db update`")) {
			t.Errorf("%s: error %q is not one line naming the fix", name, err)
		}
	}
	for _, name := range []string{"truncated-0", "truncated-100", "truncated-8192", "flipped-16"} {
		if err := readAll(copies[name]); copies[name] == "" || !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v, want a DamagedError", name, err)
		}
	}
	t.Logf("%d damaged copies: %d refused at open or lookup, %d by Verify, %d read without harm (flips in unused bytes), in %s",
		len(copies), openErrs, verifyErrs, intact, time.Since(start))
}

// readAll opens a database, looks packages up and verifies it.
func readAll(p string) error {
	db, err := Open(p)
	if err != nil {
		return err
	}
	defer db.Close()
	_ = db.Status()
	for _, name := range []string{"golang.org/x/net", "golang.org/x/crypto", "github.com/gin-gonic/gin", "stdlib"} {
		if _, err := db.Lookup("Go", name); err != nil {
			return err
		}
	}
	if err := db.Verify(); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	return nil
}

// FuzzOpen opens arbitrary bytes as a database and reads it: the result
// is a working database or an error, never a panic or a fault.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	os.WriteFile(filepath.Join(src, "GO-1.json"), []byte(`{"id":"GO-1","affected":[{"package":{"ecosystem":"Go","name":"x"},"versions":["1.0.0"]}]}`), 0o644)
	good := filepath.Join(dir, "good.db")
	if _, err := Import(context.Background(), good, src, ImportOptions{Now: clock}); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:8192])
	f.Add([]byte("not a database"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.db")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := Open(p)
		if err != nil {
			return
		}
		defer db.Close()
		db.Lookup("Go", "x")
		db.Verify()
	})
}
