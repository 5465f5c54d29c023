package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// weakNode is a small node root file system with the weaknesses the node
// checks look for: no module blacklist, sshd keyboard-interactive, no APT
// periodic updates, an end-of-life kernel, a general-purpose writable OS,
// and containerd with a gVisor handler.
var weakNode = map[string]string{
	"etc/hostname":                    "worker-3\n",
	"etc/os-release":                  "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
	"etc/ssh/sshd_config":             "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication yes\n",
	"etc/selinux/config":              "SELINUX=enforcing\n",
	"etc/sysctl.d/90-hardening.conf":  "kernel.randomize_va_space = 2\nfs.protected_symlinks = 1\nfs.protected_hardlinks = 1\nfs.suid_dumpable = 0\nkernel.kptr_restrict = 2\nkernel.dmesg_restrict = 1\nkernel.unprivileged_bpf_disabled = 1\nnet.ipv4.conf.all.accept_redirects = 0\nnet.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.all.accept_source_route = 0\n",
	"etc/containerd/config.toml":      "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runsc]\n",
	"lib/modules/4.19.0-27-amd64/dep": "",
}

// TestHostDirTarballImage runs `fourc host` on one node root as a
// directory, a gzip tarball, a docker archive and an OCI layout: the
// findings (fingerprints included) and the node notices are the same.
func TestHostDirTarballImage(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "root")
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	names := make([]string, 0, len(weakNode))
	for n := range weakNode {
		names = append(names, n)
	}
	slices.Sort(names)
	dirs := map[string]bool{}
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(weakNode[n]), 0o644); err != nil {
			t.Fatal(err)
		}
		for d := filepath.Dir(n); d != "."; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	dirNames := make([]string, 0, len(dirs))
	for d := range dirs {
		dirNames = append(dirNames, d)
	}
	slices.Sort(dirNames)
	for _, d := range dirNames {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "./" + d + "/", Mode: 0o755})
	}
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "./" + n, Mode: 0o644, Size: int64(len(weakNode[n]))})
		tw.Write([]byte(weakNode[n]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tgz := filepath.Join(tmp, "rootfs.tar.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	if err := os.WriteFile(tgz, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(tmp, "node.tar")
	if err := tarball.WriteToFile(archive, name.MustParseReference("fourc.test/node:1"), img); err != nil {
		t.Fatal(err)
	}
	oci := filepath.Join(tmp, "oci")
	lp, err := layout.Write(oci, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}

	type result struct {
		Findings []string
		Notices  []string
	}
	scan := func(target string) result {
		t.Helper()
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"host", target, "--format", "json"}, strings.NewReader(""), &out, &errb)
		if code != 0 {
			t.Fatalf("fourc host %s: exit %d: %s", target, code, errb.String())
		}
		var rep struct {
			Findings []struct {
				CheckID     string `json:"check_id"`
				Message     string `json:"message"`
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
			Skipped []any    `json:"skipped"`
			Notices []string `json:"notices"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("fourc host %s: %v", target, err)
		}
		if len(rep.Skipped) > 0 {
			t.Errorf("fourc host %s: skipped %v", target, rep.Skipped)
		}
		var r result
		for _, f := range rep.Findings {
			r.Findings = append(r.Findings, f.CheckID+" "+f.Fingerprint+" "+f.Message)
		}
		for _, n := range rep.Notices {
			if strings.HasPrefix(n, "node ") {
				r.Notices = append(r.Notices, n)
			}
		}
		slices.Sort(r.Findings)
		return r
	}
	want := scan(dir)
	var ids []string
	for _, f := range want.Findings {
		ids = append(ids, strings.Fields(f)[0])
	}
	if diff := cmp.Diff([]string{"FC-HOST-004", "FC-HOST-004", "FC-HOST-008", "FC-HOST-009", "FC-HOST-010", "FC-HOST-011"}, ids); diff != "" {
		t.Errorf("directory: checks (-want +got):\n%s", diff)
	}
	wantNotices := []string{
		"node os: Debian GNU/Linux 12 (bookworm)",
		"node kernel: 4.19.0-27-amd64 (end of life)",
		"node runtime-handlers: containerd: runc, runsc",
	}
	if diff := cmp.Diff(wantNotices, want.Notices); diff != "" {
		t.Errorf("directory: notices (-want +got):\n%s", diff)
	}
	for _, target := range []string{tgz, archive, oci} {
		if diff := cmp.Diff(want, scan(target)); diff != "" {
			t.Errorf("%s: differs from the directory (-dir +got):\n%s", filepath.Base(target), diff)
		}
	}
}
