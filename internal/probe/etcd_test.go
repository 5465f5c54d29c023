package probe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/fourc-dev/fourc/internal/probe"
)

// etcdBinary returns the etcd that the test control plane uses, built by
// scripts/k8s-testenv.sh (FOURC_K8S_BIN_DIR points at prebuilt ones).
func etcdBinary(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("FOURC_K8S_BIN_DIR"); dir != "" {
		return filepath.Join(dir, "etcd")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts", "k8s-testenv.sh")
	out, err := exec.Command("bash", script, "--print-dir").Output()
	if err != nil {
		t.Fatalf("%s --print-dir: %v", script, err)
	}
	bin := filepath.Join(strings.TrimSpace(string(out)), "etcd")
	if _, err := os.Stat(bin); err != nil {
		t.Logf("building the control-plane binaries with %s (minutes on a cold cache)", script)
		if out, err := exec.Command("bash", script).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, tail(string(out)))
		}
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writePEM(t *testing.T, path, typ string, der []byte) string {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeKey(t *testing.T, path string, k keyPair) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k.key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, path, "PRIVATE KEY", der)
}

// startEtcd runs a real single-member etcd with the given client-side
// flags until the test ends and returns its client URL.
func startEtcd(t *testing.T, scheme string, flags ...string) string {
	t.Helper()
	dir := t.TempDir()
	client := fmt.Sprintf("%s://127.0.0.1:%d", scheme, freePort(t))
	peer := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	args := append([]string{
		"--name=probe", "--data-dir=" + filepath.Join(dir, "data"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer, "--initial-cluster=probe=" + peer,
		"--unsafe-no-fsync", "--log-level=error",
	}, flags...)
	logFile, err := os.Create(filepath.Join(dir, "etcd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(etcdBinary(t), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
		if t.Failed() {
			data, _ := os.ReadFile(logFile.Name())
			t.Logf("etcd log:\n%s", tail(string(data)))
		}
	})
	return client
}

// connect returns a client of the test etcd, waiting until it answers.
func connect(t *testing.T, url string, tc *tls.Config) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{url}, TLS: tc, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := cli.Get(ctx, "health")
		cancel()
		if err == nil {
			return cli
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd at %s not ready: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEtcdStorage runs a real etcd with TLS and client-certificate auth,
// stores objects the way the API server does (encrypted values prefixed
// k8s:enc:<provider>:v1:<key>:, plain ones as raw protobuf), more than one
// page of them, and checks what the probe reports; then a plain-HTTP etcd
// without client auth.
func TestEtcdStorage(t *testing.T) {
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	start, end := time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour)
	ca := issue(t, certSpec{cn: "etcd-ca", ca: true, notBefore: start, notAfter: end}, nil)
	server := issue(t, certSpec{cn: "etcd", ips: loopback, notBefore: start, notAfter: end}, &ca)
	client := issue(t, certSpec{cn: "kube-apiserver-etcd-client", client: true, notBefore: start, notAfter: end}, &ca)
	dir := t.TempDir()
	caFile := writePEM(t, filepath.Join(dir, "ca.crt"), "CERTIFICATE", ca.der)
	serverCert := writePEM(t, filepath.Join(dir, "server.crt"), "CERTIFICATE", server.der)
	serverKey := writeKey(t, filepath.Join(dir, "server.key"), server)
	clientCert := writePEM(t, filepath.Join(dir, "client.crt"), "CERTIFICATE", client.der)
	clientKey := writeKey(t, filepath.Join(dir, "client.key"), client)

	url := startEtcd(t, "https", "--cert-file="+serverCert, "--key-file="+serverKey, "--client-cert-auth=true",
		"--trusted-ca-file="+caFile, "--cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	cli := connect(t, url, &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{client.tls(t)}})
	put := func(key, value string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := cli.Put(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 250 {
		put(fmt.Sprintf("/registry/secrets/apps/s-%03d", i), "k8s:enc:secretbox:v1:key1:"+secretValue)
	}
	for i := range 12 {
		put(fmt.Sprintf("/registry/secrets/legacy/old-%02d", i), "k8s\x00\n\x0c\n\x02v1\x12\x06Secret"+secretValue)
	}
	for i := range 3 {
		put(fmt.Sprintf("/registry/secrets/kube-system/cbc-%d", i), "k8s:enc:aescbc:v1:2023:"+secretValue)
	}
	put("/registry/configmaps/default/settings", `{"kind":"ConfigMap","data":{"password":"`+secretValue+`"}}`)
	put("/registry/secretstores/x", "not a secret") // shares a prefix, not a resource

	got, skipped, _ := probe.Run(context.Background(), probe.Options{
		Etcd: []string{url}, EtcdCAFile: caFile, EtcdCertFile: clientCert, EtcdKeyFile: clientKey,
		Resources: []string{"configmaps"},
	})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	assertNoSecretValue(t, got)
	byID := ids(got)
	var plain []string
	for _, f := range byID["FC-ETCD-001"] {
		plain = append(plain, f.Resource.String())
	}
	if len(plain) != 13 || !slices.Contains(plain, "Secret/legacy/old-00") || !slices.Contains(plain, "configmaps/default/settings") {
		t.Errorf("plain objects %v", plain)
	}
	var info []string
	for _, f := range byID["FC-ETCD-003"] {
		info = append(info, f.Message)
	}
	slices.Sort(info)
	want := []string{
		"1 configmaps in etcd: 1 plain",
		"265 secrets in etcd: 3 aescbc (key 2023), 250 secretbox (key key1), 12 plain",
	}
	if !slices.Equal(info, want) {
		t.Errorf("storage report %q, want %q", info, want)
	}
	if w := byID["FC-ETCD-002"]; len(w) != 1 || w[0].Message != "aescbc encrypts 3 of the secrets in etcd, and is open to padding-oracle attacks" {
		t.Errorf("weak provider %v", w)
	}
	for _, id := range []string{"FC-ETCD-004", "FC-TLS-001", "FC-TLS-002", "FC-TLS-003", "FC-TLS-004", "FC-TLS-005", "FC-TLS-006", "FC-TLS-007"} {
		if len(byID[id]) > 0 {
			t.Errorf("TLS etcd with client-certificate auth: unexpected %s: %s", id, byID[id][0].Message)
		}
	}

	// Without a certificate the probe says why it cannot read keys.
	_, skipped, _ = probe.Run(context.Background(), probe.Options{Etcd: []string{url}, EtcdCAFile: caFile})
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "no etcd client certificate") {
		t.Errorf("skipped %v", skipped)
	}

	plainURL := startEtcd(t, "http")
	connect(t, plainURL, nil)
	got, skipped, _ = probe.Run(context.Background(), probe.Options{Etcd: []string{plainURL}})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	byID = ids(got)
	if len(byID["FC-ETCD-004"]) != 1 || len(byID["FC-TLS-007"]) != 1 {
		t.Errorf("plain etcd: %v", summary(got))
	}
}
