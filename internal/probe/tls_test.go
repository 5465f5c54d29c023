package probe_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/probe"
)

// now is the tests' clock.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

type keyPair struct {
	cert *x509.Certificate
	key  any
	der  []byte
}

func (k keyPair) tls(t *testing.T, chain ...keyPair) tls.Certificate {
	t.Helper()
	c := tls.Certificate{Certificate: [][]byte{k.der}, PrivateKey: k.key, Leaf: k.cert}
	for _, p := range chain {
		c.Certificate = append(c.Certificate, p.der)
	}
	return c
}

type certSpec struct {
	cn        string
	ips       []net.IP
	dns       []string
	notBefore time.Time
	notAfter  time.Time
	rsaBits   int // 0: ECDSA P-256
	ca        bool
	client    bool // for TLS clients (ExtKeyUsageClientAuth), not servers
	sigAlg    x509.SignatureAlgorithm
}

// issue makes a certificate for spec, signed by parent (nil: self-signed).
func issue(t *testing.T, spec certSpec, parent *keyPair) keyPair {
	t.Helper()
	var key any
	var pub any
	if spec.rsaBits > 0 {
		k, err := rsa.GenerateKey(rand.Reader, spec.rsaBits)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: spec.cn},
		NotBefore: spec.notBefore, NotAfter: spec.notAfter,
		IPAddresses: spec.ips, DNSNames: spec.dns,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		SignatureAlgorithm: spec.sigAlg,
	}
	if spec.client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if spec.ca {
		// No extended key usage: Go checks it along the chain, and a CA
		// restricted to server auth could not issue client certificates.
		tmpl.ExtKeyUsage = nil
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signer, signerCert := key, tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{cert: c, key: key, der: der}
}

// serve runs a TLS server on a loopback port answering 401 to everything,
// until the test ends, and returns its address.
func serve(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }),
		TLSConfig: cfg,
		ErrorLog:  quietLog(),
	}
	go srv.ServeTLS(l, "", "")
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

func replaceAddr(s, addr string) string { return strings.ReplaceAll(s, "ADDR", addr) }

func writeCA(t *testing.T, ca keyPair) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// summary renders findings as "ID message" lines, sorted.
func summary(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.CheckID+" "+f.Message)
	}
	slices.Sort(out)
	return out
}

// TestTLS probes real TLS servers on 127.0.0.1 that serve good, expired,
// self-signed, foreign, misnamed and weak certificates, old protocol
// versions and weak suites.
func TestTLS(t *testing.T) {
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	valid := func(spec certSpec) certSpec {
		spec.notBefore, spec.notAfter = now.Add(-24*time.Hour), now.Add(365*24*time.Hour)
		return spec
	}
	ca := issue(t, valid(certSpec{cn: "kubernetes-ca", ca: true}), nil)
	other := issue(t, valid(certSpec{cn: "someone-else", ca: true}), nil)
	caFile := writeCA(t, ca)
	good := issue(t, valid(certSpec{cn: "kube-apiserver", ips: loopback}), &ca)
	expired := issue(t, certSpec{cn: "old-kubelet", ips: loopback, notBefore: now.Add(-400 * 24 * time.Hour), notAfter: now.Add(-35 * 24 * time.Hour)}, &ca)
	expiring := issue(t, certSpec{cn: "kubelet", ips: loopback, notBefore: now.Add(-300 * 24 * time.Hour), notAfter: now.Add(10 * 24 * time.Hour)}, &ca)
	selfSigned := issue(t, valid(certSpec{cn: "node-1@1700000000", ips: loopback}), nil)
	foreign := issue(t, valid(certSpec{cn: "kube-apiserver", ips: loopback}), &other)
	misnamed := issue(t, valid(certSpec{cn: "etcd", dns: []string{"etcd.example.com"}}), &ca)
	weakRSA := issue(t, valid(certSpec{cn: "legacy", ips: loopback, rsaBits: 1024}), &ca)

	for _, tc := range []struct {
		name string
		cfg  *tls.Config
		want []string // "ID message" with ADDR for the address
	}{
		{
			name: "good",
			cfg:  &tls.Config{Certificates: []tls.Certificate{good.tls(t)}, MinVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}},
		},
		{
			name: "expired",
			cfg:  &tls.Config{Certificates: []tls.Certificate{expired.tls(t)}},
			want: []string{`FC-TLS-001 kube-apiserver certificate "CN=old-kubelet" expired on 2026-04-27`},
		},
		{
			name: "expiring",
			cfg:  &tls.Config{Certificates: []tls.Certificate{expiring.tls(t)}},
			want: []string{`FC-TLS-002 kube-apiserver certificate "CN=kubelet" expires on 2026-06-11, in 10 days`},
		},
		{
			name: "self-signed",
			cfg:  &tls.Config{Certificates: []tls.Certificate{selfSigned.tls(t)}},
			want: []string{`FC-TLS-003 kube-apiserver serves a self-signed certificate "CN=node-1@1700000000"`},
		},
		{
			name: "foreign-ca",
			cfg:  &tls.Config{Certificates: []tls.Certificate{foreign.tls(t)}},
			want: []string{`FC-TLS-003 kube-apiserver certificate "CN=kube-apiserver" is not issued by the given CA: x509: certificate signed by unknown authority`},
		},
		{
			name: "misnamed",
			cfg:  &tls.Config{Certificates: []tls.Certificate{misnamed.tls(t)}},
			want: []string{`FC-TLS-004 kube-apiserver certificate "CN=etcd" is not valid for 127.0.0.1 (names: etcd.example.com)`},
		},
		{
			name: "weak-key",
			cfg:  &tls.Config{Certificates: []tls.Certificate{weakRSA.tls(t)}},
			want: []string{`FC-TLS-008 kube-apiserver certificate "CN=legacy" has a 1024-bit RSA key`},
		},
		{
			name: "old-protocols-and-suites",
			cfg: &tls.Config{
				Certificates: []tls.Certificate{issue(t, valid(certSpec{cn: "old", ips: loopback, rsaBits: 2048}), &ca).tls(t)},
				MinVersion:   tls.VersionTLS10,
				CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA},
			},
			want: []string{
				"FC-TLS-005 kube-apiserver at ADDR accepts TLS 1.0 and TLS 1.1",
				"FC-TLS-006 kube-apiserver at ADDR accepts TLS_RSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.CipherSuites == nil { // Go's defaults include CBC suites
				tc.cfg.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
			}
			addr := serve(t, tc.cfg)
			got, skipped, _ := probe.Run(context.Background(), probe.Options{
				APIServer: []string{addr}, CAFile: caFile, Now: func() time.Time { return now }, Timeout: 5 * time.Second,
			})
			if len(skipped) > 0 {
				t.Fatalf("skipped: %v", skipped)
			}
			var tlsOnly []finding.Finding
			for _, f := range got {
				if strings.HasPrefix(f.CheckID, "FC-TLS-") {
					tlsOnly = append(tlsOnly, f)
				}
				if f.Resource.Name != addr || f.Location.Object != "https://"+addr {
					t.Errorf("finding on %v at %v, want %s", f.Resource, f.Location, addr)
				}
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, strings.ReplaceAll(w, "ADDR", addr))
			}
			slices.Sort(want)
			if diff := cmp.Diff(want, summary(tlsOnly)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlainHTTP: an http:// endpoint that answers is reported; a TLS port
// that refuses plain HTTP is not.
func TestPlainHTTP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"health":"true"}`)) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	addr := l.Addr().String()
	got, skipped, _ := probe.Run(context.Background(), probe.Options{Kubelet: []string{"http://" + addr}, Now: func() time.Time { return now }})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	want := []string{"FC-TLS-007 kubelet at http://" + addr + " answers plain HTTP (200 OK)"}
	if diff := cmp.Diff(want, summary(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestUnreachable: a closed port is skipped with a reason, not an error.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	got, skipped, err := probe.Run(context.Background(), probe.Options{APIServer: []string{addr}, Timeout: time.Second})
	if len(got) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "TLS handshake with "+addr) {
		t.Errorf("got %v, skipped %v", got, skipped)
	}
	if !errors.Is(err, probe.ErrNoAnswer) || !strings.Contains(err.Error(), "TLS handshake with "+addr) {
		t.Errorf("every endpoint failed: err = %v, want ErrNoAnswer naming the cause", err)
	}
	_, skipped, err = probe.Run(context.Background(), probe.Options{APIServer: []string{"ftp://x"}})
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, `scheme "ftp"`) {
		t.Errorf("skipped %v", skipped)
	}
	if !errors.Is(err, probe.ErrNoAnswer) {
		t.Errorf("every endpoint failed: err = %v, want ErrNoAnswer", err)
	}
}
