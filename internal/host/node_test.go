package host_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/host"
)

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// TestSymlinksStayInsideRoot: an absolute link inside the scanned root
// must resolve against that root, never the scanning machine's files.
func TestSymlinksStayInsideRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/hostname"), "inside\n", 0o644)
	writeFile(t, filepath.Join(root, "srv/conf/real.conf"), "PermitRootLogin yes\n", 0o600)
	for link, target := range map[string]string{
		"etc/absolute":    "/etc/hostname",
		"etc/relative":    "../srv/conf/real.conf",
		"etc/escape":      "../../../../../../etc/hostname",
		"etc/ssh":         "/srv/conf",
		"etc/loop":        "/etc/loop",
		"etc/dangling":    "/nonexistent",
		"etc/ssh-default": "ssh/real.conf",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := host.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/etc/absolute", "inside\n"},
		{"etc/relative", "PermitRootLogin yes\n"},
		{"/etc/escape", "inside\n"},
		{"/etc/ssh/real.conf", "PermitRootLogin yes\n"},
		{"/etc/ssh-default", "PermitRootLogin yes\n"},
		{"/../../etc/hostname", "inside\n"},
	} {
		got, err := n.ReadFile(tc.path, 0)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", tc.path, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("ReadFile(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	for _, p := range []string{"/etc/loop", "/etc/dangling"} {
		if _, err := n.ReadFile(p, 0); err == nil {
			t.Errorf("ReadFile(%q): want an error", p)
		}
	}
	fi, err := n.Stat("/etc/ssh/real.conf")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Perm() != 0o600 || fi.Exceeds(0o600) || !fi.Exceeds(0o400) {
		t.Errorf("Stat through a link: mode %v", fi.Mode)
	}
}

// TestOwnershipFromDisk reads owners through fs.FileInfo.Sys() of a real
// directory, and names them with the node's /etc/passwd and /etc/group.
func TestOwnershipFromDisk(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\netcd:x:4242:4243::/var/lib/etcd:/bin/false\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/group"), "root:x:0:\netcd:x:4243:\n", 0o644)
	writeFile(t, filepath.Join(root, "var/lib/etcd/member/snap/db"), "x", 0o600)
	uid, gid := os.Getuid(), os.Getgid()
	wantUID, wantGID := uid, gid
	if uid == 0 {
		// As root (CI), give the file to the node's etcd user.
		if err := os.Chown(filepath.Join(root, "var/lib/etcd"), 4242, 4243); err != nil {
			t.Fatal(err)
		}
		wantUID, wantGID = 4242, 4243
	}
	n, err := host.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := n.Stat("/var/lib/etcd")
	if err != nil {
		t.Fatal(err)
	}
	if !fi.HasOwner || fi.UID != wantUID || fi.GID != wantGID {
		t.Fatalf("owner %d:%d (known %v), want %d:%d", fi.UID, fi.GID, fi.HasOwner, wantUID, wantGID)
	}
	if uid == 0 {
		if got := n.OwnerString(fi); got != "etcd:etcd" {
			t.Errorf("OwnerString = %q, want etcd:etcd", got)
		}
	}
	if id, ok := n.UserID("etcd"); !ok || id != 4242 {
		t.Errorf("UserID(etcd) = %d, %v", id, ok)
	}
	if !fi.Mode.IsDir() {
		t.Errorf("mode %v, want a directory", fi.Mode)
	}
}

// TestProcessesOfThisMachine reads the real /proc through a Node rooted at
// "/" and finds this test process with its arguments.
func TestProcessesOfThisMachine(t *testing.T) {
	n, err := host.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	procs, err := n.Processes()
	if err != nil {
		t.Fatal(err)
	}
	self := os.Getpid()
	i := slices.IndexFunc(procs, func(p host.Process) bool { return p.PID == self })
	if i < 0 {
		t.Fatalf("pid %d not among %d processes", self, len(procs))
	}
	if diff := cmp.Diff(os.Args, procs[i].Args); diff != "" {
		t.Errorf("args of pid %d (-want +got):\n%s", self, diff)
	}
	if procs[i].Path() != "/proc/"+strconv.Itoa(self)+"/cmdline" {
		t.Errorf("Path = %q", procs[i].Path())
	}
}

func TestParseCmdline(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\x00", nil},
		{"kube-apiserver\x00--anonymous-auth=false\x00--profiling=false\x00", []string{"kube-apiserver", "--anonymous-auth=false", "--profiling=false"}},
		{"etcd\x00--name\x00\x00--data-dir=/var/lib/etcd\x00", []string{"etcd", "--name", "", "--data-dir=/var/lib/etcd"}},
		{"nginx: master process /usr/sbin/nginx", []string{"nginx:", "master", "process", "/usr/sbin/nginx"}},
	} {
		if diff := cmp.Diff(tc.want, host.ParseCmdline([]byte(tc.in))); diff != "" {
			t.Errorf("ParseCmdline(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestSSHDConfig(t *testing.T) {
	m := fstest.MapFS{
		"etc/ssh/sshd_config": {Data: []byte(`# comment
Include /etc/ssh/sshd_config.d/*.conf
Port 22
passwordauthentication=no
PermitRootLogin  "no"
Match User deploy
  PasswordAuthentication yes
Match all
  X11Forwarding yes
`)},
		"etc/ssh/sshd_config.d/10-a.conf": {Data: []byte("PermitRootLogin yes\nInclude nested.conf\n")},
		"etc/ssh/nested.conf":             {Data: []byte("MaxAuthTries 3\nInclude /etc/ssh/nested.conf\n")}, // loops until the depth bound
	}
	c := host.ReadSSHDConfig(host.NewNode(m, "mem"))
	if !c.Present {
		t.Fatal("not present")
	}
	got := map[string]host.SSHSetting{}
	for _, k := range []string{"permitrootlogin", "passwordauthentication", "maxauthtries", "port"} {
		got[k] = c.Global[k]
	}
	want := map[string]host.SSHSetting{
		"permitrootlogin":        {Value: "yes", Path: "/etc/ssh/sshd_config.d/10-a.conf", Line: 1},
		"passwordauthentication": {Value: "no", Path: "/etc/ssh/sshd_config", Line: 4},
		"maxauthtries":           {Value: "3", Path: "/etc/ssh/nested.conf", Line: 1},
		"port":                   {Value: "22", Path: "/etc/ssh/sshd_config", Line: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("global settings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]host.SSHSetting{{Value: "yes", Path: "/etc/ssh/sshd_config", Line: 7, Match: "Match User deploy"}}, c.Matched["passwordauthentication"]); diff != "" {
		t.Errorf("matched (-want +got):\n%s", diff)
	}
}

// TestScanRealDirectory scans a root filesystem on disk end to end.
func TestScanRealDirectory(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/hostname"), "worker-7\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/shadow"), "root:*:1::::::\n", 0o666)
	writeFile(t, filepath.Join(root, "etc/ssh/sshd_config"), "PermitRootLogin yes\nPasswordAuthentication no\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/fstab"), "/dev/vda1 / ext4 ro 0 1\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/selinux/config"), "SELINUX=enforcing\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/modprobe.d/cis.conf"), "blacklist cramfs\nblacklist freevxfs\nblacklist jffs2\nblacklist hfs\nblacklist hfsplus\nblacklist squashfs\nblacklist udf\nblacklist usb-storage\nblacklist dccp\nblacklist sctp\nblacklist rds\nblacklist tipc\n", 0o644)
	facts := map[string]string{}
	got, skipped, err := host.Scan(context.Background(), root, host.Options{Facts: func(k, v string) { facts[k] = v }})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.CheckID+" "+f.Location.String()+" "+f.Message)
		if f.Resource.Name != "worker-7" {
			t.Errorf("resource %v, want node worker-7", f.Resource)
		}
	}
	want := []string{
		"FC-HOST-001 /etc/ssh/sshd_config:1 sshd must not set PermitRootLogin yes",
		"FC-HOST-003 /etc/shadow /etc/shadow must have mode 0640 or stricter, not 0666",
		"FC-HOST-006 /etc/shadow file /etc/shadow must not be writable by others (mode 0666)",
	}
	slices.Sort(ids)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if facts["node"] != "worker-7" {
		t.Errorf("facts %v", facts)
	}
	if _, _, err := host.Scan(context.Background(), filepath.Join(root, "missing"), host.Options{}); err == nil {
		t.Error("Scan of a missing root: want an error")
	}
}
