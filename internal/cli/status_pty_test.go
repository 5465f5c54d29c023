//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal with the standard library alone: the
// master to read what is drawn, the slave to give fourc as its stderr.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		noPTY(t, "no pseudo-terminal: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		noPTY(t, "unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		noPTY(t, "naming the pseudo-terminal: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		noPTY(t, "opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, s
}

// runOnTerminal runs fourc with stderr on a pseudo-terminal and returns
// what the terminal received.
func runOnTerminal(t *testing.T, args ...string) string {
	t.Helper()
	master, slave := openPTY(t)
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(master) // ends with EIO once the slave is closed
		read <- b
	}()
	var stdout bytes.Buffer
	if code := Run(context.Background(), args, nil, &stdout, slave); code != 0 {
		t.Errorf("fourc %v: exit %d", args, code)
	}
	slave.Close()
	select {
	case b := <-read:
		return string(b)
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal was never closed")
	}
	return ""
}

func TestProgressOnTerminal(t *testing.T) {
	old := statusEvery
	statusEvery = time.Millisecond
	t.Cleanup(func() { statusEvery = old })
	dir := t.TempDir()
	for name, content := range map[string]string{
		"charts/api/Chart.yaml":         "apiVersion: v2\nname: api\nversion: 0.1.0\n",
		"charts/api/templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: nginx\n",
		"infra/main.tf":                 "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "report.json")
	args := []string{"scan", dir, "--scanners", "kube,iac", "--format", "json", "--output", out}

	term := runOnTerminal(t, args...)
	if !strings.Contains(term, "\rscan "+dir+": ") || !strings.Contains(term, " units") {
		t.Errorf("no progress line on the terminal: %q", term)
	}
	// The line is erased before the summary is printed.
	if i, j := strings.LastIndex(term, "\r\x1b[K"), strings.Index(term, "fourc: "); i < 0 || j < i {
		t.Errorf("progress not erased before the summary: %q", term)
	}

	t.Logf("terminal: %q", term)

	quiet := runOnTerminal(t, append(args, "--quiet")...)
	if quiet != "" {
		t.Errorf("--quiet wrote %q", quiet)
	}
}

// noPTY stops a test that needs a pseudo-terminal the machine cannot give:
// a skip on a developer's machine, a failure in CI, where none may skip.
func noPTY(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
