package probe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/probe"
	"github.com/fourc-dev/fourc/internal/testenv"
)

const secretboxConfig = `apiVersion: apiserver.config.k8s.io/v1
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

// aescbcConfig writes with aescbc and, like any key rotation, keeps the
// providers the earlier Secrets were written with for reading: without
// secretbox's key the API server cannot read the Secret written under
// secretboxConfig and never becomes ready.
const aescbcConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - aescbc:
      keys:
      - name: old
        secret: ZGVmaW5pdGVseSBub3QgYSByZWFsIGtleSEhISEhISE=
  - secretbox:
      keys:
      - name: key1
        secret: ZGVmaW5pdGVseSBub3QgYSByZWFsIGtleSEhISEhISE=
  - identity: {}
`

// secretValue is what the test Secrets hold; no finding may contain it.
const secretValue = "hunter2-do-not-print"

func createSecret(t *testing.T, c *testenv.Cluster, server, name string) {
	t.Helper()
	args := []string{"create", "secret", "generic", name, "--namespace=default", "--from-literal=password=" + secretValue}
	if server != "" {
		args = append([]string{"--server=" + server}, args...)
	}
	if out, err := c.Kubectl(context.Background(), args...); err != nil {
		t.Fatalf("creating secret %s: %v: %s", name, err, out)
	}
}

// restartWithEncryption starts a second kube-apiserver on the cluster's
// etcd, with the first one's flags plus an encryption configuration, as an
// administrator does when turning encryption on, and returns its URL. It
// stops when the test ends.
func restartWithEncryption(t *testing.T, c *testenv.Cluster, config string) string {
	t.Helper()
	dir := t.TempDir()
	encFile := filepath.Join(dir, "encryption.yaml")
	if err := os.WriteFile(encFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var flags []string
	for _, f := range c.APIServerFlags {
		if strings.HasPrefix(f, "--secure-port=") || strings.HasPrefix(f, "--cert-dir=") || strings.HasPrefix(f, "--encryption-provider-config=") {
			continue
		}
		flags = append(flags, f)
	}
	flags = append(flags, fmt.Sprintf("--secure-port=%d", port), "--cert-dir="+filepath.Join(dir, "certs"), "--encryption-provider-config="+encFile)
	logFile, err := os.Create(filepath.Join(dir, "kube-apiserver.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(c.BinDir, "kube-apiserver"), flags...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
	})
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	rc := c.RESTConfig()
	cert, err := tls.X509KeyPair(rc.CertData, rc.KeyData)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(rc.CAData)
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return server
			}
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(logFile.Name())
			t.Fatalf("second kube-apiserver not ready: %v\n%s", err, tail(string(data)))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

func ids(fs []finding.Finding) map[string][]finding.Finding {
	out := map[string][]finding.Finding{}
	for _, f := range fs {
		out[f.CheckID] = append(out[f.CheckID], f)
	}
	return out
}

func assertNoSecretValue(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		if strings.Contains(fmt.Sprint(f), secretValue) {
			t.Errorf("finding %s prints a secret value: %s", f.CheckID, f.Message)
		}
	}
}

// TestLiveEncryptionAtRest writes Secrets before encryption is enabled,
// turns it on by starting the API server again with an encryption
// configuration, writes more, and reads etcd: the Secrets written before
// are found in plain text, the one written after is reported as secretbox.
func TestLiveEncryptionAtRest(t *testing.T) {
	c := testenv.Start(t)
	createSecret(t, c, "", "before-1")
	createSecret(t, c, "", "before-2")
	server := restartWithEncryption(t, c, secretboxConfig)
	createSecret(t, c, server, "after")

	got, skipped, _ := probe.Run(context.Background(), probe.Options{Etcd: []string{c.EtcdEndpoint}})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	assertNoSecretValue(t, got)
	byID := ids(got)
	var plain []string
	for _, f := range byID["FC-ETCD-001"] {
		plain = append(plain, f.Resource.Name+" "+f.Location.Object)
	}
	slices.Sort(plain)
	want := []string{
		"default/before-1 etcd:/registry/secrets/default/before-1",
		"default/before-2 etcd:/registry/secrets/default/before-2",
	}
	if !slices.Equal(plain, want) {
		t.Errorf("plain-text secrets %q, want %q", plain, want)
	}
	info := byID["FC-ETCD-003"]
	if len(info) != 1 || info[0].Message != "3 secrets in etcd: 1 secretbox (key key1), 2 plain" {
		t.Errorf("provider report %v", info)
	}
	if len(byID["FC-ETCD-002"]) != 0 {
		t.Errorf("secretbox reported weak: %v", byID["FC-ETCD-002"])
	}
	// The test etcd serves plain HTTP without client certificates.
	if len(byID["FC-ETCD-004"]) != 1 || len(byID["FC-TLS-007"]) != 1 {
		t.Errorf("etcd transport findings: %v", got)
	}

	// Rotating to a weak provider is reported too.
	weakServer := restartWithEncryption(t, c, aescbcConfig)
	createSecret(t, c, weakServer, "after-aescbc")
	got, _, _ = probe.Run(context.Background(), probe.Options{Etcd: []string{c.EtcdEndpoint}})
	weak := ids(got)["FC-ETCD-002"]
	if len(weak) != 1 || weak[0].Message != "aescbc encrypts 1 of the secrets in etcd, and is open to padding-oracle attacks" {
		t.Errorf("weak provider findings: %v", weak)
	}
}

// TestLiveAPIServer probes a weak and a hardened real API server: the
// weak one answers anonymous requests and accepts TLS 1.1 and a CBC suite;
// the hardened one none of that.
func TestLiveAPIServer(t *testing.T) {
	weakIDs := []string{"FC-CIS-121", "FC-TLS-005", "FC-TLS-006"}
	opts := func(c *testenv.Cluster) probe.Options {
		// testenv's certificates live for a day: warn only for the last hour.
		return probe.Options{APIServer: []string{c.Server}, CAFile: c.CAFile, ExpiryWarning: time.Hour}
	}
	// kube-apiserver turns anonymous authentication off by itself under
	// AlwaysAllow, so the weak server grants anonymous users access the
	// way a careless cluster does: a binding of system:anonymous.
	weak := testenv.Start(t,
		testenv.WithAnonymousAuth(true),
		testenv.WithFlags("--tls-min-version=VersionTLS11", "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"))
	if out, err := weak.Kubectl(context.Background(), "create", "clusterrolebinding", "anonymous-admin", "--clusterrole=cluster-admin", "--user=system:anonymous"); err != nil {
		t.Fatalf("binding system:anonymous: %v: %s", err, out)
	}
	// The authorizer learns of the binding through an informer.
	anon := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // #nosec G402 -- a test's own server
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := anon.Get(weak.Server + "/api/v1/namespaces/kube-system/secrets?limit=1")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the binding of system:anonymous did not take effect: %v", err)
		}
	}
	got, skipped, _ := probe.Run(context.Background(), opts(weak))
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	byID := ids(got)
	for _, id := range weakIDs {
		if len(byID[id]) == 0 {
			t.Errorf("weak API server: no %s finding in %v", id, got)
		}
	}
	weak.Stop()

	hard := testenv.Start(t, testenv.WithAnonymousAuth(false),
		testenv.WithFlags("--tls-min-version=VersionTLS12", "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
	got, skipped, _ = probe.Run(context.Background(), opts(hard))
	if len(skipped) > 0 {
		t.Fatalf("skipped: %v", skipped)
	}
	if len(got) != 0 {
		t.Errorf("hardened API server: findings %v", got)
	}
}
