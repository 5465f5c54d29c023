// Package probe checks what a cluster's configuration files cannot prove,
// by talking to its endpoints: the TLS each component serves (certificate
// chain, expiry, host names, protocol versions, cipher suites, plain
// HTTP), whether the API server and kubelets answer anonymous requests,
// and whether Secrets are really encrypted at rest, by reading the raw
// keys from etcd. It only reads; values read from etcd are never kept or
// printed beyond their storage prefix.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// ScannerName names this package in skipped entries.
const ScannerName = "probe"

// Options say which endpoints to probe and with which credentials. An
// endpoint is a URL (https://10.0.0.1:6443, http://127.0.0.1:2379) or
// host:port (then https is assumed).
type Options struct {
	// APIServer, Kubelet and Etcd are the endpoints of each component.
	APIServer []string
	Kubelet   []string
	Etcd      []string
	// CAFile verifies the API server's and kubelets' serving certificates
	// (the cluster CA). Without it only self-signed certificates are
	// reported, since the cluster CA is in no system store.
	CAFile string
	// EtcdCAFile, EtcdCertFile and EtcdKeyFile are etcd's CA and a client
	// certificate etcd accepts (the API server's --etcd-* files). The
	// certificate is needed to read keys for the encryption-at-rest check.
	EtcdCAFile, EtcdCertFile, EtcdKeyFile string
	// EtcdPrefix is the API server's --etcd-prefix (default "/registry").
	EtcdPrefix string
	// Resources are resources besides secrets whose storage to check,
	// e.g. "configmaps" or "widgets.example.com".
	Resources []string
	// EncryptionConfig, when set, is the API server's
	// EncryptionConfiguration file; the resources it names are checked too.
	EncryptionConfig string
	// Timeout bounds each connection attempt and request (default 5s,
	// and never more than the run's limits.ConnectTimeout for a
	// connection; requests are also bounded by HeaderTimeout,
	// RequestTimeout and ResponseBytes).
	Timeout time.Duration
	// ExpiryWarning is how close to expiry a certificate is reported
	// (default 30 days).
	ExpiryWarning time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults(ctx context.Context) Options {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	o.Timeout = min(o.Timeout, limits.From(ctx).ConnectTimeout)
	if o.ExpiryWarning <= 0 {
		o.ExpiryWarning = 30 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.EtcdPrefix == "" {
		o.EtcdPrefix = "/registry"
	}
	return o
}

// ErrNoAnswer is wrapped by the error of [Run] when no endpoint could be
// probed at all.
var ErrNoAnswer = errors.New("no endpoint answered")

// Run probes every endpoint of opts. An endpoint that cannot be reached, or
// a check that cannot run, is reported as skipped; the rest go on. When
// not one endpoint answered, the findings and skipped entries come with an
// error wrapping [ErrNoAnswer] that names the first failure, in one line.
func Run(ctx context.Context, opts Options) ([]finding.Finding, []finding.Skipped, error) {
	opts = opts.withDefaults(ctx)
	var out []finding.Finding
	var skipped []finding.Skipped
	endpoints, answered := len(opts.APIServer)+len(opts.Kubelet)+len(opts.Etcd), 0
	var failures []finding.Skipped
	add := func(f []finding.Finding, s []finding.Skipped) {
		out = append(out, f...)
		skipped = append(skipped, s...)
	}
	roots, err := loadPool(opts.CAFile)
	if err != nil {
		skipped = append(skipped, finding.Skipped{Path: opts.CAFile, Scanner: ScannerName, Reason: err.Error()})
	}
	for _, ep := range opts.APIServer {
		e, err := parseEndpoint(ep, "6443")
		if err != nil {
			skipped = append(skipped, skip(ep, err))
			failures = append(failures, skip(ep, err))
			continue
		}
		e.component = "kube-apiserver"
		f, s := probeTLS(ctx, e, roots, nil, opts)
		add(f, s)
		answered += countAnswer(s, &failures)
		if e.tls() && len(s) == 0 {
			add(probeAnonymousAPIServer(ctx, e, opts))
		}
	}
	for _, ep := range opts.Kubelet {
		e, err := parseEndpoint(ep, "10250")
		if err != nil {
			skipped = append(skipped, skip(ep, err))
			failures = append(failures, skip(ep, err))
			continue
		}
		e.component = "kubelet"
		f, s := probeTLS(ctx, e, roots, nil, opts)
		add(f, s)
		answered += countAnswer(s, &failures)
		if e.tls() && len(s) == 0 {
			add(probeAnonymousKubelet(ctx, e, opts))
		}
	}
	if len(opts.Etcd) > 0 {
		f, s, n, fail := probeEtcd(ctx, opts)
		add(f, s)
		answered += n
		failures = append(failures, fail...)
	}
	finding.Sort(out)
	if err := ctx.Err(); err != nil {
		return out, skipped, fmt.Errorf("probing endpoints: %w", err)
	}
	if endpoints > 0 && answered == 0 {
		return out, skipped, noAnswer(endpoints, failures)
	}
	return out, skipped, nil
}

// countAnswer returns 1 when the TLS probe of an endpoint ran (no skipped
// entry), else records its failure and returns 0.
func countAnswer(s []finding.Skipped, failures *[]finding.Skipped) int {
	if len(s) == 0 {
		return 1
	}
	*failures = append(*failures, s[0])
	return 0
}

// noAnswer is the one-line error of a run in which no endpoint answered:
// "no endpoint answered (1 tried): https://127.0.0.1:9: TLS handshake ...".
func noAnswer(endpoints int, failures []finding.Skipped) error {
	if len(failures) == 0 {
		return fmt.Errorf("%w (%d tried)", ErrNoAnswer, endpoints)
	}
	first := failures[0]
	return fmt.Errorf("%w (%d tried): %s: %s", ErrNoAnswer, endpoints, first.Path, oneLine(first.Reason))
}

// oneLine joins the lines of a message.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// endpoint is one parsed endpoint.
type endpoint struct {
	raw       string
	scheme    string // https or http
	host      string // without port
	port      string
	component string
}

func (e endpoint) addr() string { return net.JoinHostPort(e.host, e.port) }
func (e endpoint) url() string  { return e.scheme + "://" + e.addr() }
func (e endpoint) tls() bool    { return e.scheme == "https" }

// resource names the endpoint in findings: "kube-apiserver/10.0.0.1:6443".
func (e endpoint) resource() finding.Resource {
	return finding.Resource{Kind: e.component, Name: e.addr()}
}

func parseEndpoint(raw, defaultPort string) (endpoint, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return endpoint{}, fmt.Errorf("parsing endpoint %q: %w", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return endpoint{}, fmt.Errorf("endpoint %q: scheme %q, want https or http", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return endpoint{}, fmt.Errorf("endpoint %q has no host", raw)
	}
	port := u.Port()
	if port == "" {
		port = defaultPort
	}
	return endpoint{raw: raw, scheme: u.Scheme, host: u.Hostname(), port: port}, nil
}

func skip(path string, err error) finding.Skipped {
	return finding.Skipped{Path: path, Scanner: ScannerName, Reason: err.Error()}
}

// loadPool reads a PEM bundle; an empty path gives nil (no pool).
func loadPool(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA file %q holds no PEM certificate", path)
	}
	return pool, nil
}

// loadClientCert reads a client certificate and key; empty paths give nil.
func loadClientCert(certFile, keyFile string) (*tls.Certificate, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading client certificate %q: %w", certFile, err)
	}
	return &c, nil
}
