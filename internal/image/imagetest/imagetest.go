// Package imagetest gives tests the real components image scanning is
// tested against: a Debian root file system built by debootstrap (cached as
// a tarball under the user cache directory) and a registry server
// (Debian's docker-registry, distribution 2.8) on a random loopback port.
// A missing tool is installed with apt-get; anything that still fails makes
// the test fail loudly. Nothing here is ever skipped.
package imagetest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Suite is the Debian release the root file system is built from.
const Suite = "bookworm"

// Ensure makes sure the command bin exists, installing the Debian package
// pkg with apt-get when it does not, and returns its path.
func Ensure(t testing.TB, bin, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	// apt's own lock serialises concurrent installs from parallel packages.
	run(t, 15*time.Minute, "apt-get", "update", "-qq")
	run(t, 15*time.Minute, "apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg)
	p, err := exec.LookPath(bin)
	if err != nil {
		t.Fatalf("%s still missing after apt-get install %s: %v", bin, pkg, err)
	}
	return p
}

func run(t testing.TB, timeout time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 4000))
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// CacheDir is ${XDG_CACHE_HOME:-$HOME/.cache}/fourc/rootfs.
func CacheDir(t testing.TB) string {
	t.Helper()
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatalf("finding the cache directory: %v", err)
		}
		base = filepath.Join(home, ".cache")
	}
	dir := filepath.Join(base, "fourc", "rootfs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating %s: %v", dir, err)
	}
	return dir
}

// DebianRootfs returns the path of a tarball of a minimal Debian root file
// system (debootstrap --variant=minbase), building and caching it on first
// use. The mirror is taken from apt's own sources on this machine.
func DebianRootfs(t testing.TB) string {
	t.Helper()
	dir := CacheDir(t)
	out := filepath.Join(dir, "debian-"+Suite+"-minbase.tar")
	unlock := lock(t, out+".lock")
	defer unlock()
	if st, err := os.Stat(out); err == nil && st.Size() > 0 {
		return out
	}
	if os.Geteuid() != 0 {
		t.Fatalf("building the Debian root file system needs root (debootstrap); run the tests as root or put a tarball at %s", out)
	}
	debootstrap := Ensure(t, "debootstrap", "debootstrap")
	mirror, err := Mirror("/etc/apt")
	if err != nil {
		t.Fatalf("finding a Debian mirror: %v", err)
	}
	build, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(build)
	root := filepath.Join(build, "root")
	t.Logf("building the Debian %s root file system (debootstrap, a few minutes)", Suite)
	run(t, 30*time.Minute, debootstrap, "--variant=minbase", Suite, root, mirror)
	// What a published base image leaves out: package caches, apt lists,
	// device nodes.
	for _, g := range []string{"var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "dev/*"} {
		matches, _ := filepath.Glob(filepath.Join(root, g))
		for _, m := range matches {
			if err := os.RemoveAll(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	tmp := out + ".tmp"
	run(t, 10*time.Minute, "tar", "--numeric-owner", "--sort=name", "-C", root, "-cf", tmp, ".")
	if err := os.Rename(tmp, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// lock takes an exclusive file lock, so that parallel test binaries build
// the root file system once.
func lock(t testing.TB, name string) func() {
	t.Helper()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }
}

// Mirror returns the first Debian archive URI that apt on this machine uses
// for the main archive (not the security one), from sources.list and
// sources.list.d/*.list or *.sources under etcApt.
func Mirror(etcApt string) (string, error) {
	files := []string{filepath.Join(etcApt, "sources.list")}
	for _, pat := range []string{"*.list", "*.sources"} {
		m, _ := filepath.Glob(filepath.Join(etcApt, "sources.list.d", pat))
		files = append(files, m...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var uris []string
		if strings.HasSuffix(f, ".sources") {
			uris = deb822URIs(string(data))
		} else {
			uris = oneLineURIs(string(data))
		}
		for _, u := range uris {
			if !strings.Contains(u, "security") && (strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) && strings.HasSuffix(strings.TrimSuffix(u, "/"), "/debian") {
				return u, nil
			}
		}
	}
	return "", fmt.Errorf("no Debian archive in the apt sources under %s", etcApt)
}

func oneLineURIs(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		i := 1
		if strings.HasPrefix(f[i], "[") { // options: [arch=amd64 signed-by=...]
			for i < len(f) && !strings.HasSuffix(f[i], "]") {
				i++
			}
			i++
		}
		if i < len(f) {
			out = append(out, f[i])
		}
	}
	return out
}

func deb822URIs(s string) []string {
	var out []string
	for _, stanza := range strings.Split(s, "\n\n") {
		var uris []string
		deb, enabled := false, true
		for _, line := range strings.Split(stanza, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			switch strings.TrimSpace(k) {
			case "Types":
				deb = strings.Contains(" "+v+" ", " deb ")
			case "URIs":
				uris = strings.Fields(v)
			case "Enabled":
				enabled = strings.TrimSpace(v) != "no"
			}
		}
		if deb && enabled {
			out = append(out, uris...)
		}
	}
	return out
}

// Registry starts Debian's docker-registry (distribution 2.8) on a random
// 127.0.0.1 port with storage in a temporary directory, stops it when the
// test ends, and returns its host:port.
func Registry(t testing.TB) string {
	t.Helper()
	bin := Ensure(t, "docker-registry", "docker-registry")
	dir := t.TempDir()
	addr := freeAddr(t)
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), addr)
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting docker-registry: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		logf.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
		select {
		case <-done:
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("docker-registry exited at start-up:\n%s", tail(log, 4000))
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("docker-registry not ready on %s after 30s (last error %v):\n%s", addr, err, tail(log, 4000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
