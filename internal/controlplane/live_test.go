package controlplane_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/testenv"
)

// Flags and files of the two control planes the live tests start.
const (
	auditPolicy = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n"
	// secretboxConfig encrypts Secrets with secretbox (a 32-byte key).
	secretboxConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - secretbox:
      keys:
      - name: key1
        secret: ZGVmaW5pdGVseSBub3QgYSByZWFsIGtleSEhISEhISE=
  - identity: {}
`
	// identityFirstConfig names secretbox but writes plain text.
	identityFirstConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
  - secretbox:
      keys:
      - name: key1
        secret: ZGVmaW5pdGVseSBub3QgYSByZWFsIGtleSEhISEhISE=
`
)

// weakOptions start an API server with the weaknesses the issue names:
// anonymous auth, AlwaysAllow, identity first, AlwaysAdmit, profiling,
// no audit, old TLS and weak ciphers.
func weakOptions() []testenv.Option {
	return []testenv.Option{
		testenv.WithAnonymousAuth(true),
		testenv.WithAuthorizationMode("AlwaysAllow"),
		testenv.WithEncryptionConfig(identityFirstConfig),
		testenv.WithFlags(
			"--enable-admission-plugins=AlwaysAdmit",
			"--profiling=true",
			"--service-account-lookup=false",
			"--tls-min-version=VersionTLS11",
			"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
		),
	}
}

// hardenedOptions start an API server configured as the benchmark asks,
// as far as a test control plane without kubelets allows.
func hardenedOptions(pki func(string) string) []testenv.Option {
	return []testenv.Option{
		testenv.WithAnonymousAuth(false),
		testenv.WithAuthorizationMode("Node,RBAC"),
		testenv.WithEncryptionConfig(secretboxConfig),
		testenv.WithAuditPolicy(auditPolicy),
		testenv.WithFlags(
			"--enable-admission-plugins=NodeRestriction,AlwaysPullImages,DenyServiceExternalIPs",
			"--kubelet-client-certificate="+pki("client.crt"),
			"--kubelet-client-key="+pki("client.key"),
			"--kubelet-certificate-authority="+pki("ca.crt"),
			"--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100",
			"--request-timeout=60s",
			"--service-account-lookup=true",
			"--service-account-extend-token-expiration=false",
			"--tls-min-version=VersionTLS12",
			"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
		),
	}
}

// weakExpected are the checks the weak control plane must fail and the
// hardened one must pass.
var weakExpected = []string{
	"FC-CIS-001",                             // --anonymous-auth=true
	"FC-CIS-004",                             // no kubelet client certificate
	"FC-CIS-005",                             // no kubelet CA
	"FC-CIS-006",                             // AlwaysAllow
	"FC-CIS-007",                             // no Node authorizer
	"FC-CIS-008",                             // no RBAC
	"FC-CIS-010",                             // AlwaysAdmit
	"FC-CIS-014",                             // no NodeRestriction
	"FC-CIS-015",                             // --profiling=true
	"FC-CIS-016",                             // no audit log
	"FC-CIS-017", "FC-CIS-018", "FC-CIS-019", // no audit retention
	"FC-CIS-021", // --service-account-lookup=false
	"FC-CIS-028", // identity first
	"FC-CIS-030", // a CBC suite
	"FC-CIS-031", // tokens extended
	"FC-CIS-032", // no audit policy
	"FC-CIS-033", // TLS 1.1
}

// kubeletClientPKI writes a CA and a client certificate signed by it, for
// the API server's kubelet client flags (no kubelet runs in the tests), and
// returns a function from file name to path.
func kubeletClientPKI(t *testing.T) func(string) string {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubelet-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"kubeadm:cluster-admins"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caTmpl, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, block := range map[string]*pem.Block{
		"ca.crt":     {Type: "CERTIFICATE", Bytes: caDER},
		"client.crt": {Type: "CERTIFICATE", Bytes: der},
		"client.key": {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return func(name string) string { return filepath.Join(dir, name) }
}

// apiServerPID finds the kube-apiserver process started for c (its flags
// name c's directory).
func apiServerPID(t *testing.T, c *testenv.Cluster) int {
	t.Helper()
	n, err := host.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	procs, err := n.Processes()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if p.Name() == "kube-apiserver" && slices.ContainsFunc(p.Args, func(a string) bool { return strings.Contains(a, c.Dir) }) {
			return p.PID
		}
	}
	t.Fatalf("no kube-apiserver process with %s in its flags", c.Dir)
	return 0
}

// liveRootFS builds a node root filesystem from the running API server:
// its real /proc/<pid>/cmdline, and the files its flags name (encryption
// configuration, audit policy, certificates), at the same paths.
func liveRootFS(t *testing.T, c *testenv.Cluster) string {
	t.Helper()
	pid := apiServerPID(t, c)
	root := t.TempDir()
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	copyInto := func(p string, data []byte) {
		dst := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	copyInto(filepath.Join("proc", strconv.Itoa(pid), "cmdline"), cmdline)
	for _, arg := range host.ParseCmdline(cmdline) {
		_, v, ok := strings.Cut(arg, "=")
		if !ok || !strings.HasPrefix(v, c.Dir) {
			continue
		}
		if data, err := os.ReadFile(v); err == nil {
			copyInto(v, data)
		}
	}
	copyInto("etc/hostname", []byte("test-control-plane\n"))
	return root
}

// scanLive runs the control-plane suite over the live API server's root
// filesystem view and returns the IDs found.
func scanLive(t *testing.T, c *testenv.Cluster) (map[string][]finding.Finding, map[string]string) {
	t.Helper()
	n, err := host.Open(liveRootFS(t, c))
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]string{}
	fs, skipped := controlplane.NewSuite(controlplane.Options{}).Scan(context.Background(), n, func(k, v string) { facts[k] = v })
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	byID := map[string][]finding.Finding{}
	for _, f := range fs {
		byID[f.CheckID] = append(byID[f.CheckID], f)
		if f.Resource.Kind != "kube-apiserver" || !strings.HasPrefix(f.Location.Path, "/proc/") && !strings.HasPrefix(f.Location.Path, c.Dir) {
			t.Errorf("finding %s on %v at %v", f.CheckID, f.Resource, f.Location)
		}
	}
	return byID, facts
}

// TestLiveControlPlane starts a weak and a hardened control plane (real
// etcd and kube-apiserver), reads each API server's command line from
// /proc and the files it names, and checks that the weak one fails every
// expected check and the hardened one none of them.
func TestLiveControlPlane(t *testing.T) {
	weak := testenv.Start(t, weakOptions()...)
	weakFound, facts := scanLive(t, weak)
	if !strings.Contains(facts["components"], "kube-apiserver (process command line /proc/") {
		t.Errorf("facts: %v", facts)
	}
	for _, id := range weakExpected {
		if len(weakFound[id]) == 0 {
			t.Errorf("weak control plane: no %s finding", id)
		}
	}
	weak.Stop()

	hard := testenv.Start(t, hardenedOptions(kubeletClientPKI(t))...)
	hardFound, _ := scanLive(t, hard)
	for _, id := range weakExpected {
		if fs := hardFound[id]; len(fs) > 0 {
			t.Errorf("hardened control plane: unexpected %s: %s", id, fs[0].Message)
		}
	}
}
