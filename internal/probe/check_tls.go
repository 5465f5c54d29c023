package probe

// The TLS checks connect to an endpoint and inspect what it serves:
// FC-TLS-001 the leaf certificate's validity period against the clock;
// FC-TLS-002 expiry within ExpiryWarning; FC-TLS-003 a self-signed leaf,
// or a chain that does not verify against CAFile when one is given;
// FC-TLS-004 the leaf against the endpoint's host name or IP; FC-TLS-005
// handshakes offering only TLS 1.0 or 1.1; FC-TLS-006 TLS 1.2 handshakes
// offering one weak suite at a time (CBC, 3DES, RC4, RSA key exchange);
// FC-TLS-007 a plain HTTP request to the port (or an http:// endpoint that
// answers); FC-TLS-008 RSA keys under 2048 bits, ECDSA under 256, and
// SHA-1 or MD5 signatures.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/transport"
)

// weakSuites are the TLS 1.2 suites probed one at a time: Go's insecure
// list plus the CBC suites it still implements.
func weakSuites() []*tls.CipherSuite {
	var out []*tls.CipherSuite
	out = append(out, tls.InsecureCipherSuites()...)
	for _, s := range tls.CipherSuites() {
		if strings.Contains(s.Name, "_CBC_") && slices.Contains(s.SupportedVersions, tls.VersionTLS12) {
			out = append(out, s)
		}
	}
	return slices.DeleteFunc(out, func(s *tls.CipherSuite) bool {
		return !slices.Contains(s.SupportedVersions, tls.VersionTLS12)
	})
}

// handshake connects to e with cfg and returns the certificates the
// server sent (even when the handshake then fails, e.g. for want of a
// client certificate) and the handshake's error.
func handshake(ctx context.Context, e endpoint, cfg *tls.Config, timeout time.Duration) ([]*x509.Certificate, *tls.ConnectionState, error) {
	var peer []*x509.Certificate
	cfg = cfg.Clone()
	cfg.InsecureSkipVerify = true // verified below, against the right roots
	cfg.ServerName = e.host
	cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
		for _, r := range raw {
			if c, err := x509.ParseCertificate(r); err == nil {
				peer = append(peer, c)
			}
		}
		return nil
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: timeout}, Config: cfg}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", e.addr())
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && parent.Err() == nil {
			err = fmt.Errorf("no TLS handshake within %s", timeout)
		}
		return peer, nil, err
	}
	defer conn.Close()
	st := conn.(*tls.Conn).ConnectionState()
	return peer, &st, nil
}

// probeTLS runs the TLS checks on one endpoint; an http:// endpoint is
// only checked for answering plain HTTP.
func probeTLS(ctx context.Context, e endpoint, roots *x509.CertPool, cert *tls.Certificate, opts Options) ([]finding.Finding, []finding.Skipped) {
	res := e.resource()
	loc := finding.Location{Object: e.url()}
	var out []finding.Finding
	emit := func(m check.Meta, msg, disc string) {
		out = append(out, m.Finding(res, loc, check.Violation{Message: msg, Discriminator: disc}))
	}
	if !e.tls() {
		if ok, status := answersPlainHTTP(ctx, e, opts.Timeout); ok {
			emit(metaPlainHTTP, fmt.Sprintf("%s at %s answers plain HTTP (%s)", e.component, e.url(), status), "http")
			return out, nil
		}
		return nil, []finding.Skipped{{Path: e.url(), Scanner: ScannerName, Reason: "no HTTP answer from " + e.addr()}}
	}
	base := &tls.Config{MinVersion: tls.VersionTLS12}
	if cert != nil {
		base.Certificates = []tls.Certificate{*cert}
	}
	chain, _, err := handshake(ctx, e, base, opts.Timeout)
	if len(chain) == 0 {
		if err == nil {
			err = errors.New("no certificate")
		}
		return nil, []finding.Skipped{{Path: e.url(), Scanner: ScannerName, Reason: "TLS handshake with " + e.addr() + ": " + err.Error()}}
	}
	leaf := chain[0]
	now := opts.Now()
	subject := leaf.Subject.String()
	switch {
	case now.After(leaf.NotAfter):
		emit(metaExpired, fmt.Sprintf("%s certificate %q expired on %s", e.component, subject, leaf.NotAfter.UTC().Format(time.DateOnly)), "expired")
	case now.Before(leaf.NotBefore):
		emit(metaExpired, fmt.Sprintf("%s certificate %q is not valid before %s", e.component, subject, leaf.NotBefore.UTC().Format(time.RFC3339)), "not-yet")
	case leaf.NotAfter.Sub(now) < opts.ExpiryWarning:
		emit(metaExpiring, fmt.Sprintf("%s certificate %q expires on %s, in %d days", e.component, subject,
			leaf.NotAfter.UTC().Format(time.DateOnly), int(leaf.NotAfter.Sub(now).Hours()/24)), "")
	}
	if selfSigned(leaf) {
		emit(metaUntrusted, fmt.Sprintf("%s serves a self-signed certificate %q", e.component, subject), "self-signed")
	} else if err := verifyChain(chain, roots, now); err != nil {
		emit(metaUntrusted, fmt.Sprintf("%s certificate %q is not issued by the given CA: %v", e.component, subject, err), "untrusted")
	}
	if err := leaf.VerifyHostname(e.host); err != nil {
		emit(metaHostname, fmt.Sprintf("%s certificate %q is not valid for %s (names: %s)", e.component, subject, e.host, certNames(leaf)), "")
	}
	if why := weakKey(leaf); why != "" {
		emit(metaWeakKey, fmt.Sprintf("%s certificate %q %s", e.component, subject, why), "")
	}
	if old := oldVersions(ctx, e, base, opts.Timeout); len(old) > 0 {
		emit(metaOldTLS, fmt.Sprintf("%s at %s accepts %s", e.component, e.addr(), strings.Join(old, " and ")), "")
	}
	if weak := weakCiphers(ctx, e, base, opts.Timeout); len(weak) > 0 {
		emit(metaWeakCipher, fmt.Sprintf("%s at %s accepts %s", e.component, e.addr(), strings.Join(weak, ", ")), "")
	}
	if ok, status := answersPlainHTTP(ctx, e, opts.Timeout); ok {
		emit(metaPlainHTTP, fmt.Sprintf("%s at %s answers plain HTTP on its TLS port (%s)", e.component, e.addr(), status), "http")
	}
	return out, nil
}

// verifyChain verifies the served chain against roots (none given: no
// error). The leaf's own validity period is FC-TLS-001's to report, so
// its expiry alone is no error here.
func verifyChain(chain []*x509.Certificate, roots *x509.CertPool, now time.Time) error {
	if roots == nil {
		return nil
	}
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert == leaf {
		return nil
	}
	return err
}

// oldVersions lists the TLS versions below 1.2 the endpoint accepts.
func oldVersions(ctx context.Context, e endpoint, base *tls.Config, timeout time.Duration) []string {
	var old []string
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		cfg := base.Clone()
		cfg.MinVersion, cfg.MaxVersion = v, v
		if _, st, err := handshake(ctx, e, cfg, timeout); err == nil && st != nil && st.Version == v {
			old = append(old, tls.VersionName(v))
		}
	}
	return old
}

// weakCiphers lists the weak TLS 1.2 cipher suites the endpoint accepts.
func weakCiphers(ctx context.Context, e endpoint, base *tls.Config, timeout time.Duration) []string {
	var weak []string
	for _, s := range weakSuites() {
		cfg := base.Clone()
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		cfg.CipherSuites = []uint16{s.ID}
		if _, st, err := handshake(ctx, e, cfg, timeout); err == nil && st != nil && st.CipherSuite == s.ID {
			weak = append(weak, s.Name)
		}
	}
	return weak
}

// selfSigned reports whether a certificate is signed by its own key.
func selfSigned(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// certNames lists a certificate's DNS names and IPs.
func certNames(c *x509.Certificate) string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// weakKey says what is weak about a certificate's key or signature.
func weakKey(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Sprintf("has a %d-bit RSA key", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize < 256 {
			return fmt.Sprintf("has a %d-bit ECDSA key", k.Curve.Params().BitSize)
		}
	}
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA:
		return "is signed with " + c.SignatureAlgorithm.String()
	}
	return ""
}

// answersPlainHTTP sends a plain HTTP request to the endpoint's port and
// reports whether an HTTP server answered it as HTTP (not with Go's or
// nginx's "HTTP request to an HTTPS server" refusal). The body is not read
// beyond the status line and a short prefix.
func answersPlainHTTP(ctx context.Context, e endpoint, timeout time.Duration) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.addr())
	if err != nil {
		return false, ""
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	path := "/healthz"
	if e.component == "etcd" {
		path = "/health"
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, e.host); err != nil {
		return false, ""
	}
	// A status line or header that never ends must not fill memory.
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(conn, transport.MaxHeaderBytes)), nil)
	if err != nil {
		return false, ""
	}
	defer resp.Body.Close()
	buf := make([]byte, 256)
	n, _ := resp.Body.Read(buf)
	body := strings.ToLower(string(buf[:n]))
	if resp.StatusCode == http.StatusBadRequest && (strings.Contains(body, "https server") || strings.Contains(body, "https port") || strings.Contains(body, "tls")) {
		return false, ""
	}
	return true, resp.Status
}
