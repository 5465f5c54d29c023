package host_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
)

// hostileRoot builds a root filesystem with links back to its own root
// (absolute and relative), a link to the scanning machine's /, and FIFOs
// where the checks read files.
func hostileRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	put(t, root, "etc/os-release", "ID=debian\nPRETTY_NAME=\"Debian\"\n", 0o644)
	put(t, root, "usr/bin/true", "", 0o755)
	for _, l := range []struct{ name, target string }{
		{"var/lib/loop", root},
		{"var/lib/up", "../.."},
		{"etc/loop", "/"},
		{"usr/bin/self", "."},
		{"etc/kubernetes/pki/loop", "/etc/kubernetes"},
		{"etc/kubernetes/manifests", "/etc/kubernetes"},
		{"host", "/"},
		{"usr/bin/host", "/"},
	} {
		p := filepath.Join(root, l.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l.target, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"etc/hostname", "etc/ssh/sshd_config", "etc/sysctl.conf", "etc/passwd", "etc/group",
		"etc/kubernetes/kubelet.conf", "etc/apt/apt.conf.d/20auto-upgrades", "var/lib/kubelet/config.yaml", "etc/fifo"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestHostileRoot: links back into the root or out of it and FIFOs must
// neither hang the scan nor lead it outside the root.
func TestHostileRoot(t *testing.T) {
	root := hostileRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	suite := controlplane.NewSuite(controlplane.Options{})
	type result struct {
		fs  []finding.Finding
		sk  []finding.Skipped
		err error
	}
	done := make(chan result, 1)
	go func() {
		fs, sk, err := host.Scan(ctx, root, host.Options{Suites: []host.Suite{suite}})
		done <- result{fs, sk, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scan blocked (a FIFO opened for reading?)")
	}
	fs, sk, err := res.fs, res.sk, res.err
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("scan took %v", took)
	}
	for _, f := range fs {
		if p := f.Location.Path; strings.HasPrefix(p, "/host/") || strings.Contains(p, "/loop/") {
			t.Errorf("finding through a link: %s %s", f.CheckID, p)
		}
	}
	t.Logf("%d findings, %d skipped", len(fs), len(sk))
	for _, s := range sk {
		t.Logf("skipped %s", s)
	}
}

// TestWalkDoesNotFollowLinks: a walk of the whole hostile root visits each
// file once, passes links as links, and stops when told to.
func TestWalkDoesNotFollowLinks(t *testing.T) {
	root := hostileRoot(t)
	n, err := host.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	err = n.Walk("/", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		seen[p]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range seen {
		if c > 1 || strings.HasPrefix(p, "/var/lib/loop/") || strings.HasPrefix(p, "/host/") || strings.HasPrefix(p, "/usr/bin/self/") {
			t.Errorf("walked %s %d times", p, c)
		}
	}
	if seen["/var/lib/loop"] != 1 || seen["/etc/fifo"] != 1 {
		t.Errorf("links and FIFOs must be visited as entries: %v", seen)
	}

	stop := errors.New("stop")
	calls := 0
	n.StopWhen(func() error {
		if calls++; calls > 3 {
			return stop
		}
		return nil
	})
	visited := 0
	err = n.Walk("/", func(string, fs.DirEntry, error) error { visited++; return nil })
	if !errors.Is(err, stop) || visited != 3 {
		t.Errorf("stopped walk: err %v after %d entries, want %v after 3", err, visited, stop)
	}
}

// TestHostileRootCancelled: a cancelled scan returns at once.
func TestHostileRootCancelled(t *testing.T) {
	root := hostileRoot(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if _, _, err := host.Scan(ctx, root, host.Options{Suites: []host.Suite{controlplane.NewSuite(controlplane.Options{})}}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("cancelled scan took %v", took)
	}
}
