package controlplane_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/host"
)

func FuzzParseArgs(f *testing.F) {
	f.Add("kube-apiserver\x00--anonymous-auth=false\x00--etcd-servers\x00https://a\x00--profiling")
	f.Add("--\x00-\x00---=x\x00--a=\"b\"")
	f.Fuzz(func(t *testing.T, s string) {
		args := host.ParseCmdline([]byte(s))
		for _, a := range controlplane.ParseArgs(args, "/proc/1/cmdline", nil) {
			if a.Name == "" {
				t.Fatalf("flag without a name from %q", s)
			}
		}
	})
}

// FuzzConfigReaders feeds one input to every reader of the package: static
// pod manifests, kubelet config files and systemd units, encryption and
// kubeadm configurations, through a whole suite scan.
func FuzzConfigReaders(f *testing.F) {
	f.Add("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command: [kube-apiserver, --anonymous-auth=true]\n    image: registry.k8s.io/kube-apiserver:v1.30.0\n")
	f.Add("kind: KubeletConfiguration\nauthentication: {anonymous: {enabled: true}}\nfeatureGates: {A: true}\ntlsCipherSuites: [a, b]\n")
	f.Add("[Service]\nEnvironment=\"A=--x=1 --y\" B=2\nExecStart=/usr/bin/kubelet $A ${B} \"--c=d e\"\n")
	f.Add("kind: EncryptionConfiguration\nresources:\n- resources: ['*.*']\n  providers: [{kms: {apiVersion: v2}}, {identity: {}}]\n")
	f.Add("kind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: a\n    value: b\n")
	f.Add("a: &x [*x]\n")
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		_, _ = controlplane.ParseStaticPod("/m.yaml", data)
		_, _ = controlplane.ParseEncryptionConfig("/e.yaml", data)
		_, _ = controlplane.ParseClusterConfiguration(s)
		m := fstest.MapFS{
			"etc/kubernetes/manifests/kube-apiserver.yaml":         {Data: data},
			"etc/kubernetes/manifests/etcd.yaml":                   {Data: data},
			"etc/systemd/system/kubelet.service.d/10-kubeadm.conf": {Data: data},
			"var/lib/kubelet/kubeadm-flags.env":                    {Data: data},
			"var/lib/kubelet/config.yaml":                          {Data: data},
			"etc/kubernetes/enc.yaml":                              {Data: data},
			"etc/kubernetes/admin.conf":                            {Data: data},
		}
		n := host.NewNode(m, "fuzz")
		_ = controlplane.KubeletFromSystemd(n)
		controlplane.NewSuite(controlplane.Options{}).Scan(context.Background(), n, nil)
	})
}
