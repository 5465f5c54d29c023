package report

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeHello(w io.Writer) error {
	_, err := io.WriteString(w, "hello\n")
	return err
}

// TestWriteFileAtomicFIFO: a FIFO with a reader gets the content and
// stays a FIFO.
func TestWriteFileAtomicFIFO(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		data, _ := os.ReadFile(name)
		got <- string(data)
	}()
	if err := WriteFileAtomic(name, 0o644, writeHello); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "hello\n" {
		t.Errorf("reader got %q", s)
	}
	st, err := os.Lstat(name)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("pipe replaced: %v %v", st.Mode(), err)
	}
	if diff := cmp.Diff([]string{"pipe"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

// TestWriteFileAtomicSymlinks: a symlink to a device, a FIFO or a file is
// written through and not replaced.
func TestWriteFileAtomicSymlinks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("a much longer old content\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{os.DevNull, fifo, file} {
		t.Run(filepath.Base(target), func(t *testing.T) {
			link := filepath.Join(dir, "link-"+filepath.Base(target))
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			got := make(chan string, 1)
			if target == fifo {
				go func() {
					data, _ := os.ReadFile(fifo)
					got <- string(data)
				}()
			}
			if err := WriteFileAtomic(link, 0o644, writeHello); err != nil {
				t.Fatal(err)
			}
			if target == fifo {
				if s := <-got; s != "hello\n" {
					t.Errorf("reader got %q", s)
				}
			}
			if dest, err := os.Readlink(link); err != nil || dest != target {
				t.Errorf("link replaced: %q %v", dest, err)
			}
			if target == file {
				data, _ := os.ReadFile(file)
				if string(data) != "hello\n" {
					t.Errorf("file holds %q", data)
				}
				if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
					t.Errorf("file mode %v", st.Mode().Perm())
				}
			}
		})
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v", os.DevNull, err)
	}
}

// TestWriteFileAtomicDevice writes to /dev/null directly.
func TestWriteFileAtomicDevice(t *testing.T) {
	if err := WriteFileAtomic(os.DevNull, 0o644, writeHello); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s replaced: %v", os.DevNull, err)
	}
}
