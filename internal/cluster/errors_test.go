package cluster

import (
	"context"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfig writes a copy of the admin kubeconfig changed by edit.
func writeKubeconfig(t *testing.T, edit func(*clientcmdapi.Config)) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(live(t).Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUnusableCluster checks that a cluster that cannot be used at all
// gives one line naming the kubeconfig, context and server, and the cause.
func TestUnusableCluster(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()
	unreachable := writeKubeconfig(t, func(c *clientcmdapi.Config) {
		for _, cl := range c.Clusters {
			cl.Server = closed
		}
	})
	expired := writeKubeconfig(t, func(c *clientcmdapi.Config) {
		for _, u := range c.AuthInfos {
			u.ClientCertificateData, u.ClientKeyData, u.Token = nil, nil, "expired-or-revoked-token"
		}
	})
	untrusted := writeKubeconfig(t, func(c *clientcmdapi.Config) {
		for _, cl := range c.Clusters {
			cl.CertificateAuthorityData = nil
		}
	})
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name string
		opts Options
		want string // regexp
	}{
		{"unreachable", Options{Kubeconfig: unreachable},
			`^cluster ` + regexp.QuoteMeta(closed) + ` \(context "fourc-test", kubeconfig ".*/kubeconfig"\) is unreachable: dial tcp .*connection refused$`},
		{"credentials", Options{Kubeconfig: expired},
			`^cluster https://127\.0\.0\.1:\d+ \(context "fourc-test", kubeconfig ".*"\) rejected the credentials \(expired or revoked\?\): (Unauthorized|the server has asked for the client to provide credentials)$`},
		{"untrusted", Options{Kubeconfig: untrusted},
			`^cluster https://127\.0\.0\.1:\d+ \(context "fourc-test", kubeconfig ".*"\): TLS handshake failed \(certificate expired or not trusted\?\): .*x509: certificate signed by unknown authority`},
		{"no file", Options{Kubeconfig: missing},
			`^reading kubeconfig "` + regexp.QuoteMeta(missing) + `": no such file or directory$`},
		{"no context", Options{Kubeconfig: live(t).Kubeconfig, Context: "prod"},
			`^loading kubeconfig ".*": context "prod" does not exist$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Scan(context.Background(), tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "\n") || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error:\n%s\nwant match for\n%s", err, tt.want)
			}
		})
	}
}

// TestNamespaceFromContext checks the namespace rules: -n wins, -A reads
// all, and otherwise the context's namespace is read.
func TestNamespaceFromContext(t *testing.T) {
	shop(t)
	withNS := writeKubeconfig(t, func(c *clientcmdapi.Config) {
		c.Contexts[c.CurrentContext].Namespace = "live-shop"
	})
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Kubeconfig: withNS}, "live-shop"},
		{Options{Kubeconfig: withNS, AllNamespaces: true}, ""},
		{Options{Kubeconfig: withNS, Namespace: "kube-system"}, "kube-system"},
		{Options{Kubeconfig: live(t).Kubeconfig}, ""},
	}
	for _, tt := range tests {
		snap, _, err := Read(context.Background(), tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Namespace != tt.want {
			t.Errorf("%+v: read namespace %q, want %q", tt.opts, snap.Namespace, tt.want)
		}
		for _, o := range snap.Set.Objects {
			if tt.want != "" && o.Namespace != "" && o.Namespace != tt.want {
				t.Errorf("%+v: read %s of another namespace", tt.opts, o)
				break
			}
		}
	}
}
