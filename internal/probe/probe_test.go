package probe_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/probe"
)

// TestAnonymousKubelet stands a TLS server in for a kubelet's port 10250
// (no kubelet runs in tests) and checks how each answer to an anonymous
// GET /pods is judged.
func TestAnonymousKubelet(t *testing.T) {
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	ca := issue(t, certSpec{cn: "ca", ca: true, notBefore: now.Add(-time.Hour), notAfter: now.Add(1000 * time.Hour)}, nil)
	leaf := issue(t, certSpec{cn: "node-1", ips: loopback, notBefore: now.Add(-time.Hour), notAfter: now.Add(1000 * time.Hour)}, &ca)
	for _, tc := range []struct {
		status int
		want   []string
	}{
		{http.StatusUnauthorized, nil},
		{http.StatusForbidden, []string{"FC-CIS-123 kubelet at ADDR authenticated an anonymous GET of /pods as system:anonymous (403 Forbidden, not 401)"}},
		{http.StatusOK, []string{"FC-CIS-122 kubelet at ADDR answered an anonymous GET of /pods with 200 OK"}},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var sawAuth bool
			srv := &http.Server{
				Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") != "" || (r.TLS != nil && len(r.TLS.PeerCertificates) > 0) {
						sawAuth = true
					}
					if r.URL.Path == "/pods" {
						w.WriteHeader(tc.status)
						return
					}
					w.WriteHeader(http.StatusUnauthorized)
				}),
				TLSConfig: &tls.Config{Certificates: []tls.Certificate{leaf.tls(t)}, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}},
				ErrorLog:  quietLog(),
			}
			go srv.ServeTLS(l, "", "")
			t.Cleanup(func() { srv.Close() })
			addr := l.Addr().String()
			got, skipped, _ := probe.Run(context.Background(), probe.Options{Kubelet: []string{addr}, CAFile: writeCA(t, ca), Now: func() time.Time { return now }})
			if len(skipped) > 0 {
				t.Fatalf("skipped %v", skipped)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, replaceAddr(w, addr))
			}
			if diff := cmp.Diff(want, summary(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if sawAuth {
				t.Error("the anonymous probe sent credentials")
			}
		})
	}
}

func TestClassifyStorage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want probe.Storage
	}{
		{"k8s\x00\n\x0c\n\x02v1\x12\x06Secret", probe.Storage{}},
		{`{"kind":"Secret"}`, probe.Storage{}},
		{"", probe.Storage{}},
		{"k8s:enc:secretbox:v1:key1:\x8a\x01", probe.Storage{Encrypted: true, Provider: "secretbox", Key: "key1"}},
		{"k8s:enc:aescbc:v1:2024-01:xyz", probe.Storage{Encrypted: true, Provider: "aescbc", Key: "2024-01"}},
		{"k8s:enc:kms:v2:vault:\x0a", probe.Storage{Encrypted: true, Provider: "kms v2", Key: "vault"}},
		{"k8s:enc:kms:v1:legacy:", probe.Storage{Encrypted: true, Provider: "kms v1", Key: "legacy"}},
		{"k8s:enc:", probe.Storage{Encrypted: true}},
	} {
		if diff := cmp.Diff(tc.want, probe.ClassifyStorage([]byte(tc.in))); diff != "" {
			t.Errorf("ClassifyStorage(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func FuzzClassifyStorage(f *testing.F) {
	f.Add([]byte("k8s:enc:kms:v2:vault:\x00"))
	f.Add([]byte("k8s\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := probe.ClassifyStorage(b)
		if !s.Encrypted && (s.Provider != "" || s.Key != "") {
			t.Fatalf("plain value with provider %+v", s)
		}
	})
}
