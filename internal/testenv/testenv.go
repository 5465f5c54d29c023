// Package testenv runs a real Kubernetes control plane for tests: etcd and
// kube-apiserver (optionally kube-controller-manager) built from the Go
// module proxy by scripts/k8s-testenv.sh, started on random loopback ports
// with a fresh PKI, and stopped when the test ends.
//
// One API server takes a few seconds to start and about 300 MB of memory,
// so share one per test package:
//
//	var env *testenv.Cluster
//
//	func TestMain(m *testing.M) {
//		var err error
//		env, err = testenv.New(context.Background())
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		code := m.Run()
//		env.Stop()
//		os.Exit(code)
//	}
//
// or call [Start] in a test that needs its own flags. The binaries are
// cached under ${XDG_CACHE_HOME:-$HOME/.cache}/fourc/k8s/<version>/; the
// first run on a machine builds them (about ten minutes), so run
// scripts/k8s-testenv.sh before `go test` or give go test a -timeout
// long enough. FOURC_K8S_BIN_DIR points at prebuilt binaries instead.
package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// AdvertiseAddress is the address kube-apiserver advertises. It refuses a
// loopback one; this address is from the documentation range (TEST-NET-1)
// and nothing is ever sent to it.
const AdvertiseAddress = "192.0.2.10"

// ServiceCIDR is the service cluster IP range the API server is given.
const ServiceCIDR = "10.0.0.0/24"

// AdminUser is the admin's user name; it is in group system:masters,
// which RBAC never denies.
const AdminUser = "fourc-admin"

// Option changes how the control plane is started.
type Option func(*config)

type config struct {
	authorization string
	anonymous     bool
	encryption    string
	auditPolicy   string
	flags         []string
	kcm           bool
	timeout       time.Duration
	logf          func(string, ...any)
}

// WithAuthorizationMode sets --authorization-mode (default "Node,RBAC"),
// e.g. "AlwaysAllow" for a weak cluster.
func WithAuthorizationMode(modes string) Option {
	return func(c *config) { c.authorization = modes }
}

// WithAnonymousAuth sets --anonymous-auth (default false). kube-apiserver
// ignores it under --authorization-mode=AlwaysAllow (it turns anonymous
// authentication off); to serve anonymous users, keep RBAC and bind
// system:anonymous or system:unauthenticated to a role.
func WithAnonymousAuth(enabled bool) Option {
	return func(c *config) { c.anonymous = enabled }
}

// WithEncryptionConfig starts the API server with this EncryptionConfiguration
// (YAML) as --encryption-provider-config.
func WithEncryptionConfig(yaml string) Option {
	return func(c *config) { c.encryption = yaml }
}

// WithAuditPolicy starts the API server with this audit Policy (YAML) and
// an audit log at [Cluster.AuditLogPath].
func WithAuditPolicy(yaml string) Option {
	return func(c *config) { c.auditPolicy = yaml }
}

// WithFlags adds kube-apiserver flags ("--name=value"). They come after the
// defaults, so a flag given here overrides a default of the same name.
func WithFlags(flags ...string) Option {
	return func(c *config) { c.flags = append(c.flags, flags...) }
}

// WithControllerManager also starts kube-controller-manager, so that
// Deployments get ReplicaSets and Pods, and namespaces get their default
// service account.
func WithControllerManager() Option {
	return func(c *config) { c.kcm = true }
}

// WithStartTimeout bounds how long each component may take to become
// ready (default 3 minutes: the machines are small and shared).
func WithStartTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithLogf sends progress messages (such as "building binaries") to logf.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// Cluster is a running control plane.
type Cluster struct {
	// Server is the API server's URL, https://127.0.0.1:<port>.
	Server string
	// Kubeconfig is the path of an admin kubeconfig (certificates embedded).
	Kubeconfig string
	// CAFile is the PEM file of the CA that signed the serving certificate
	// and every client certificate.
	CAFile string
	// EtcdEndpoint is etcd's client URL, http://127.0.0.1:<port>.
	EtcdEndpoint string
	// AuditLogPath is the audit log, when started [WithAuditPolicy].
	AuditLogPath string
	// Dir holds the PKI, configuration files, logs and etcd's data.
	Dir string
	// BinDir holds the binaries.
	BinDir string
	// APIServerFlags are the flags kube-apiserver was started with.
	APIServerFlags []string

	ca    *authority
	admin *rest.Config
	procs []*process // in start order

	stopOnce sync.Once
	ownDir   bool
}

// Start starts a control plane for t and stops it when t ends. It fails t
// when the control plane cannot start; it never skips.
func Start(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	dir := t.TempDir()
	opts = append([]Option{WithLogf(t.Logf)}, opts...)
	c, err := start(context.Background(), dir, false, opts)
	if err != nil {
		t.Fatalf("starting test control plane: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

// New starts a control plane outside a test, for TestMain. The caller must
// call [Cluster.Stop], which also removes its directory.
func New(ctx context.Context, opts ...Option) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "fourc-testenv-")
	if err != nil {
		return nil, fmt.Errorf("creating test control plane directory: %w", err)
	}
	c, err := start(ctx, dir, true, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func start(ctx context.Context, dir string, ownDir bool, opts []Option) (*Cluster, error) {
	cfg := config{authorization: "Node,RBAC", timeout: 3 * time.Minute, logf: func(string, ...any) {}}
	for _, o := range opts {
		o(&cfg)
	}
	bin, err := findBinaries(ctx, cfg.kcm, cfg.logf)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, BinDir: bin, ownDir: ownDir}
	if err := c.writePKI(); err != nil {
		return nil, err
	}
	// A port chosen free may be taken before the server binds it; then
	// start again on new ports.
	for attempt := 1; ; attempt++ {
		err = c.run(ctx, cfg)
		if err == nil {
			return c, nil
		}
		c.stopProcesses()
		if !errors.Is(err, errAddressInUse) || attempt == 3 {
			return nil, err
		}
	}
}

// writePKI creates the CA, the serving certificate, the admin's client
// certificate and the service-account signing keys in c.Dir.
func (c *Cluster) writePKI() error {
	ca, err := newAuthority()
	if err != nil {
		return err
	}
	serving, err := ca.serving(
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		[]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1"), net.ParseIP(AdvertiseAddress)},
	)
	if err != nil {
		return err
	}
	saKey, saPub, err := serviceAccountKeys()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(c.Dir, "pki"), 0o700); err != nil {
		return fmt.Errorf("creating PKI directory: %w", err)
	}
	if err := writeFiles(filepath.Join(c.Dir, "pki"), map[string][]byte{
		"ca.crt":        ca.certPEM,
		"apiserver.crt": serving.CertPEM,
		"apiserver.key": serving.KeyPEM,
		"sa.key":        saKey,
		"sa.pub":        saPub,
	}); err != nil {
		return fmt.Errorf("writing PKI: %w", err)
	}
	c.ca = ca
	c.CAFile = c.pki("ca.crt")
	return nil
}

func (c *Cluster) pki(name string) string { return filepath.Join(c.Dir, "pki", name) }

// run starts etcd, kube-apiserver and optionally kube-controller-manager.
func (c *Cluster) run(ctx context.Context, cfg config) error {
	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	etcdPort, peerPort, apiPort, kcmPort := ports[0], ports[1], ports[2], ports[3]
	c.EtcdEndpoint = "http://" + loopback(etcdPort)
	peer := "http://" + loopback(peerPort)
	data := filepath.Join(c.Dir, "etcd-data")
	if err := os.RemoveAll(data); err != nil {
		return fmt.Errorf("clearing etcd data: %w", err)
	}
	etcd, err := startProcess("etcd", filepath.Join(c.BinDir, "etcd"), []string{
		"--name=fourc", "--data-dir=" + data,
		"--listen-client-urls=" + c.EtcdEndpoint, "--advertise-client-urls=" + c.EtcdEndpoint,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=fourc=" + peer,
		"--unsafe-no-fsync", "--logger=zap", "--log-level=warn",
	}, c.Dir)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, etcd)
	if err := waitFor(ctx, etcd, cfg.timeout, httpOK(http.DefaultClient, c.EtcdEndpoint+"/health")); err != nil {
		return portRace(etcd, err)
	}

	flags, err := c.apiServerFlags(cfg, etcdPort, apiPort)
	if err != nil {
		return err
	}
	c.APIServerFlags = flags
	api, err := startProcess("kube-apiserver", filepath.Join(c.BinDir, "kube-apiserver"), flags, c.Dir)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, api)
	c.Server = "https://" + loopback(apiPort)
	admin, err := c.UserConfig(AdminUser, "system:masters")
	if err != nil {
		return err
	}
	c.admin = admin
	client, err := httpClient(admin)
	if err != nil {
		return err
	}
	if err := waitFor(ctx, api, cfg.timeout, httpOK(client, c.Server+"/readyz")); err != nil {
		return portRace(api, err)
	}
	c.Kubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	if err := writeKubeconfig(c.Kubeconfig, admin); err != nil {
		return err
	}
	if cfg.kcm {
		if err := c.startControllerManager(ctx, cfg, kcmPort); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) apiServerFlags(cfg config, etcdPort, apiPort int) ([]string, error) {
	flags := []string{
		"--etcd-servers=http://" + loopback(etcdPort),
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--advertise-address=" + AdvertiseAddress,
		"--cert-dir=" + filepath.Join(c.Dir, "apiserver-certs"),
		"--tls-cert-file=" + c.pki("apiserver.crt"),
		"--tls-private-key-file=" + c.pki("apiserver.key"),
		"--client-ca-file=" + c.pki("ca.crt"),
		fmt.Sprintf("--anonymous-auth=%t", cfg.anonymous),
		"--authorization-mode=" + cfg.authorization,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + c.pki("sa.pub"),
		"--service-account-signing-key-file=" + c.pki("sa.key"),
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--allow-privileged=true",
		"--profiling=false",
	}
	if cfg.encryption != "" {
		p := filepath.Join(c.Dir, "encryption.yaml")
		if err := os.WriteFile(p, []byte(cfg.encryption), 0o600); err != nil {
			return nil, fmt.Errorf("writing encryption config: %w", err)
		}
		flags = append(flags, "--encryption-provider-config="+p)
	}
	if cfg.auditPolicy != "" {
		p := filepath.Join(c.Dir, "audit-policy.yaml")
		if err := os.WriteFile(p, []byte(cfg.auditPolicy), 0o600); err != nil {
			return nil, fmt.Errorf("writing audit policy: %w", err)
		}
		c.AuditLogPath = filepath.Join(c.Dir, "audit.log")
		flags = append(flags, "--audit-policy-file="+p, "--audit-log-path="+c.AuditLogPath)
	}
	return append(flags, cfg.flags...), nil
}

func (c *Cluster) startControllerManager(ctx context.Context, cfg config, port int) error {
	kc := filepath.Join(c.Dir, "controller-manager.kubeconfig")
	rc, err := c.UserConfig("system:kube-controller-manager")
	if err != nil {
		return err
	}
	if err := writeKubeconfig(kc, rc); err != nil {
		return err
	}
	kcm, err := startProcess("kube-controller-manager", filepath.Join(c.BinDir, "kube-controller-manager"), []string{
		"--kubeconfig=" + kc,
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + filepath.Join(c.Dir, "kcm-certs"),
		"--leader-elect=false",
		"--service-account-private-key-file=" + c.pki("sa.key"),
		"--root-ca-file=" + c.pki("ca.crt"),
		"--use-service-account-credentials=true",
		"--service-cluster-ip-range=" + ServiceCIDR,
	}, c.Dir)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, kcm)
	// Ready once the service-account controller has done its first pass.
	client, err := httpClient(c.admin)
	if err != nil {
		return err
	}
	err = waitFor(ctx, kcm, cfg.timeout, httpOK(client, c.Server+"/api/v1/namespaces/default/serviceaccounts/default"))
	return portRace(kcm, err)
}

// portRace turns a start-up failure caused by a taken port into
// errAddressInUse, so that start-up is retried on other ports.
func portRace(p *process, err error) error {
	if err != nil && p.addressInUse() {
		return fmt.Errorf("%w: %w", errAddressInUse, err)
	}
	return err
}

// APIServerPID returns the process ID of kube-apiserver, e.g. to read
// its command line from /proc as a node scanner would.
func (c *Cluster) APIServerPID() int {
	for _, p := range c.procs {
		if p.name == "kube-apiserver" {
			return p.cmd.Process.Pid
		}
	}
	return 0
}

// RESTConfig returns a new admin client configuration (system:masters).
// Its rate limits are high, for tests that create many objects.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.admin) }

// UserConfig returns a client configuration that authenticates as user in
// groups, with a client certificate signed by the cluster's CA. RBAC
// decides what the user may do: bind roles to the user or a group first.
func (c *Cluster) UserConfig(user string, groups ...string) (*rest.Config, error) {
	kp, err := c.ca.client(user, groups)
	if err != nil {
		return nil, err
	}
	return &rest.Config{
		Host: c.Server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   c.ca.certPEM,
			CertData: kp.CertPEM,
			KeyData:  kp.KeyPEM,
		},
		QPS:   500,
		Burst: 1000,
	}, nil
}

// UserKubeconfig writes a kubeconfig for user in groups (see
// [Cluster.UserConfig]) and returns its path. Its context is named
// "fourc-test".
func (c *Cluster) UserKubeconfig(user string, groups ...string) (string, error) {
	rc, err := c.UserConfig(user, groups...)
	if err != nil {
		return "", err
	}
	p, err := os.CreateTemp(c.Dir, "user-*.kubeconfig")
	if err != nil {
		return "", fmt.Errorf("creating kubeconfig for %q: %w", user, err)
	}
	p.Close()
	if err := writeKubeconfig(p.Name(), rc); err != nil {
		return "", err
	}
	return p.Name(), nil
}

// ServiceAccountKubeconfig writes a kubeconfig that authenticates as the
// service account namespace/name with a token from the TokenRequest API
// (like `kubectl create token`), valid for an hour, and returns its path.
// The service account must exist.
func (c *Cluster) ServiceAccountKubeconfig(ctx context.Context, namespace, name string) (string, error) {
	cs, err := kubernetes.NewForConfig(c.admin)
	if err != nil {
		return "", err
	}
	hour := int64(3600)
	tr, err := cs.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &hour},
	}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("requesting a token for service account %q: %w", namespace+"/"+name, err)
	}
	rc := &rest.Config{Host: c.Server, BearerToken: tr.Status.Token, TLSClientConfig: rest.TLSClientConfig{CAData: c.ca.certPEM}}
	p, err := os.CreateTemp(c.Dir, "sa-*.kubeconfig")
	if err != nil {
		return "", fmt.Errorf("creating kubeconfig for %q: %w", namespace+"/"+name, err)
	}
	p.Close()
	if err := writeKubeconfig(p.Name(), rc); err != nil {
		return "", err
	}
	return p.Name(), nil
}

// KubeconfigContext is the context name in the kubeconfigs testenv writes.
const KubeconfigContext = "fourc-test"

func writeKubeconfig(path string, rc *rest.Config) error {
	user := "user"
	cfg := clientcmdapi.Config{
		Clusters: map[string]*clientcmdapi.Cluster{
			"fourc-test": {Server: rc.Host, CertificateAuthorityData: rc.CAData},
		},
		AuthInfos: map[string]*clientcmdapi.AuthInfo{
			user: {ClientCertificateData: rc.CertData, ClientKeyData: rc.KeyData, Token: rc.BearerToken},
		},
		Contexts: map[string]*clientcmdapi.Context{
			KubeconfigContext: {Cluster: "fourc-test", AuthInfo: user},
		},
		CurrentContext: KubeconfigContext,
	}
	if err := clientcmd.WriteToFile(cfg, path); err != nil {
		return fmt.Errorf("writing kubeconfig %q: %w", path, err)
	}
	return os.Chmod(path, 0o600)
}

// Kubectl runs kubectl as the admin and returns its standard output; the
// error carries its standard error.
func (c *Cluster) Kubectl(ctx context.Context, args ...string) ([]byte, error) {
	return c.command(ctx, "kubectl", append([]string{"--kubeconfig=" + c.Kubeconfig}, args...), "")
}

// KubectlApply runs `kubectl apply -f -` with manifest on its input.
func (c *Cluster) KubectlApply(ctx context.Context, manifest string) ([]byte, error) {
	return c.command(ctx, "kubectl", []string{"--kubeconfig=" + c.Kubeconfig, "apply", "-f", "-"}, manifest)
}

// Etcdctl runs etcdctl against the cluster's etcd, e.g. to read the raw
// stored bytes of a Secret: Etcdctl(ctx, "get", "/registry/secrets/ns/name").
func (c *Cluster) Etcdctl(ctx context.Context, args ...string) ([]byte, error) {
	return c.command(ctx, "etcdctl", append([]string{"--endpoints=" + c.EtcdEndpoint}, args...), "")
}

func (c *Cluster) command(ctx context.Context, name string, args []string, stdin string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.BinDir, name), args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args[1:], " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Stop stops every component, newest first, and removes the directory
// when [New] created it. It is safe to call more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		c.stopProcesses()
		if c.ownDir {
			os.RemoveAll(c.Dir)
		}
	})
}

func (c *Cluster) stopProcesses() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop(15 * time.Second)
	}
	c.procs = nil
}

// httpClient returns an HTTP client that authenticates like rc.
func httpClient(rc *rest.Config) (*http.Client, error) {
	cert, err := tls.X509KeyPair(rc.CertData, rc.KeyData)
	if err != nil {
		return nil, fmt.Errorf("loading client certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(rc.CAData)
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs:      pool,
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
		}},
	}, nil
}

// httpOK returns a readiness probe: GET url answers 200.
func httpOK(client *http.Client, url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}
