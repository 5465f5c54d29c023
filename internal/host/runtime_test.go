package host_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/host"
)

// TestRuntimeHandlers reads the handlers of containerd (config version 2
// and 3, conf.d and imports) and CRI-O (crio.conf and crio.conf.d), and
// reports them as the "runtime-handlers" fact.
func TestRuntimeHandlers(t *testing.T) {
	m := fstest.MapFS{
		"etc/containerd/config.toml": {Data: []byte(`version = 2
imports = ["/etc/containerd/extra/*.toml"]
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]
  runtime_type = "io.containerd.runsc.v1"
`)},
		"etc/containerd/extra/kata.toml": {Data: []byte(`version = 3
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.kata-qemu]
  runtime_type = "io.containerd.kata-qemu.v2"
`)},
		"etc/containerd/conf.d/nvidia.toml": {Data: []byte(`[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
`)},
		"etc/crio/crio.conf": {Data: []byte(`[crio.runtime]
default_runtime = "crun"
[crio.runtime.runtimes.crun]
runtime_path = "/usr/bin/crun"
`)},
		"etc/crio/crio.conf.d/10-kata.conf": {Data: []byte(`[crio.runtime.runtimes.kata]
runtime_path = "/usr/bin/containerd-shim-kata-v2"
runtime_type = "vm"
`)},
		"etc/crio/crio.conf.d/20-broken.conf": {Data: []byte("[crio.runtime\n")},
	}
	n := host.NewNode(m, "node")
	h := host.ReadRuntimeHandlers(n)
	if diff := cmp.Diff([]string{"kata-qemu", "nvidia", "runc", "runsc"}, h.Containerd); diff != "" {
		t.Errorf("containerd (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"crun", "kata"}, h.CRIO); diff != "" {
		t.Errorf("cri-o (-want +got):\n%s", diff)
	}
	if len(h.Errors) != 1 || !strings.Contains(h.Errors[0], "/etc/crio/crio.conf.d/20-broken.conf") || strings.Contains(h.Errors[0], "\n") {
		t.Errorf("errors %q, want one line naming the broken file", h.Errors)
	}
	facts := map[string]string{}
	_, skipped := host.ScanNode(context.Background(), n, host.Options{Facts: func(k, v string) { facts[k] = v }})
	if got, want := facts["runtime-handlers"], "containerd: kata-qemu, nvidia, runc, runsc; cri-o: crun, kata"; got != want {
		t.Errorf("fact runtime-handlers = %q, want %q", got, want)
	}
	if len(skipped) != 1 {
		t.Errorf("skipped %v, want the broken CRI-O file", skipped)
	}
	if !strings.HasPrefix(facts["kernel"], "unknown") {
		t.Errorf("fact kernel = %q, want unknown", facts["kernel"])
	}

	// containerd with a config that names no runtime offers runc.
	n = host.NewNode(fstest.MapFS{"etc/containerd/config.toml": {Data: []byte("version = 2\n")}}, "node")
	if diff := cmp.Diff([]string{"runc"}, host.ReadRuntimeHandlers(n).All()); diff != "" {
		t.Errorf("default handler (-want +got):\n%s", diff)
	}
}

// TestImmutableFacts reports an image-based OS as a fact.
func TestImmutableFacts(t *testing.T) {
	n := host.NewNode(fstest.MapFS{"usr/lib/os-release": {Data: []byte("ID=talos\nPRETTY_NAME=\"Talos (v1.9.0)\"\n")}}, "node")
	facts := map[string]string{}
	host.ScanNode(context.Background(), n, host.Options{Facts: func(k, v string) { facts[k] = v }})
	if got := facts["immutable-os"]; got != "image-based OS Talos Linux (os-release ID=talos)" {
		t.Errorf("fact immutable-os = %q", got)
	}
}

// TestKernelEOLData checks the embedded end-of-life table and its
// judgement of each kind of release.
func TestKernelEOLData(t *testing.T) {
	k, err := host.LoadKernelEOL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Source, "https://www.kernel.org/") || k.AsOf == "" {
		t.Errorf("source %q as-of %q: the data must say where and when it was taken", k.Source, k.AsOf)
	}
	now := scanNow
	for _, c := range []struct {
		release      string
		ended, known bool
	}{
		{"6.1.0-28-amd64", false, true},
		{"6.12.57+deb13-amd64", false, true},
		{"5.4.0-200", true, true},
		{"4.19.0-27-amd64", true, true},
		{"6.9.12", true, true},
		{"3.10.0-1160.el7.x86_64", false, false},
		{"6.8.0-45-generic", false, false},
		{"7.2.1", false, false},
		{"garbage", false, false},
	} {
		st := k.Status(c.release, now)
		if st.Ended != c.ended || (st.Unknown == "") != c.known {
			t.Errorf("%s: ended %v unknown %q, want ended %v known %v", c.release, st.Ended, st.Unknown, c.ended, c.known)
		}
	}
}
