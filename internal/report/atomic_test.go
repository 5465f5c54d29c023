package report

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "report.sarif")
	if err := os.WriteFile(name, []byte("old content\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	err := WriteFileAtomic(name, 0o644, func(w io.Writer) error {
		return WriteSARIF(w, testReport())
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(render(t, "sarif", Options{}, testReport())), string(got)); diff != "" {
		t.Errorf("content mismatch (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the existing file's 0600", fi.Mode().Perm())
	}
	if diff := cmp.Diff([]string{"report.sarif"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory holds more than the file (-want +got):\n%s", diff)
	}
}

func TestWriteFileAtomicNewFileInCurrentDir(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteFileAtomic("out.json", 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "{}\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile("out.json"); err != nil || string(got) != "{}\n" {
		t.Errorf("out.json = %q, %v", got, err)
	}
}

// TestWriteFileAtomicFailureKeepsOld: a write that fails half-way, or
// panics, leaves the old file as it was and no temporary file behind.
func TestWriteFileAtomicFailureKeepsOld(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"error after partial write", func(w io.Writer) error {
			io.WriteString(w, "half a rep")
			return errBoom
		}},
		{"error after a large write", func(w io.Writer) error {
			w.Write(make([]byte, 1<<20)) // more than the buffer: reaches the file
			return errBoom
		}},
		{"panic", func(w io.Writer) error {
			io.WriteString(w, "partial")
			panic(errBoom)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "report.json")
			if err := os.WriteFile(name, []byte("old content\n"), 0o640); err != nil {
				t.Fatal(err)
			}
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = p.(error)
					}
				}()
				return WriteFileAtomic(name, 0o644, tt.write)
			}()
			if !errors.Is(err, errBoom) {
				t.Errorf("error = %v, want one wrapping %v", err, errBoom)
			}
			got, rerr := os.ReadFile(name)
			if rerr != nil || string(got) != "old content\n" {
				t.Errorf("old file now %q (%v), want it untouched", got, rerr)
			}
			if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o640 {
				t.Errorf("old file mode changed to %v", fi.Mode().Perm())
			}
			if diff := cmp.Diff([]string{"report.json"}, dirNames(t, dir)); diff != "" {
				t.Errorf("temporary file left behind (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	name := filepath.Join(t.TempDir(), "no", "such", "dir", "report.json")
	err := WriteFileAtomic(name, 0o644, func(io.Writer) error { return nil })
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want one wrapping os.ErrNotExist", err)
	}
}

// TestWriteFileAtomicOverDirectory: renaming over a directory fails and the
// temporary file goes away.
func TestWriteFileAtomicOverDirectory(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out")
	if err := os.Mkdir(name, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(name, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(name, 0o644, func(io.Writer) error { return nil }); err == nil {
		t.Error("writing over a non-empty directory succeeded")
	}
	if diff := cmp.Diff([]string{"out"}, dirNames(t, dir)); diff != "" {
		t.Errorf("temporary file left behind (-want +got):\n%s", diff)
	}
}
