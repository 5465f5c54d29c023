package objectstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport/hostiletest"
)

// smallLimits end every hostile request within about a second.
func smallLimits() limits.Limits {
	return limits.Limits{
		ConnectTimeout: 500 * time.Millisecond,
		HeaderTimeout:  700 * time.Millisecond,
		RequestTimeout: 1500 * time.Millisecond,
		ResponseBytes:  1 << 20,
	}
}

// TestHostileEndpoint: an endpoint that never answers, trickles bytes,
// streams an endless body or an endless header fails the scan in bounded
// time and memory, with one line naming the endpoint, and is not retried.
func TestHostileEndpoint(t *testing.T) {
	isolateAWS(t, "fourc-test", "fourc-test-secret")
	// A CA bundle makes the SDK add it to its own HTTP client, which the
	// bounded client must keep.
	t.Setenv("AWS_CA_BUNDLE", writeCABundle(t))
	tests := []struct {
		b    hostiletest.Behaviour
		want string // regexp, after the endpoint
	}{
		{hostiletest.Silent, `unreachable: no response within 700ms$`},
		{hostiletest.TrickleHeader, `unreachable: no response within 700ms$`},
		{hostiletest.TrickleBody, `unexpected response: response not complete within 1.5s$`},
		{hostiletest.EndlessBody, `unexpected response: response body larger than 1 MiB$`},
		{hostiletest.HugeHeader, `(unreachable|unexpected response): .*(exceeded 1048576 bytes|no response within 700ms)`},
	}
	for _, tc := range tests {
		t.Run(tc.b.String(), func(t *testing.T) {
			url := hostiletest.Start(t, hostiletest.Server{
				Behaviour: tc.b, ContentType: "application/xml", Tick: 200 * time.Millisecond,
				Prefix: `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>`,
			})
			ctx := limits.With(context.Background(), smallLimits())
			o := hostiletest.Call(func() error {
				_, _, err := Scan(ctx, Options{Endpoint: url, Insecure: true})
				return err
			})
			err := o.Err
			var ee *EndpointError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want an *EndpointError", err)
			}
			prefix := `s3 endpoint "` + url + `": `
			msg := err.Error()
			if !strings.HasPrefix(msg, prefix) || !regexp.MustCompile(tc.want).MatchString(strings.TrimPrefix(msg, prefix)) {
				t.Errorf("err = %q, want %q then %q", msg, prefix, tc.want)
			}
			// Not retried: one deadline and a little.
			o.Bounded(t, 3*time.Second, 64<<20)
		})
	}
}

// TestHostileEndpointCancel: cancelling the run stops a scan that waits on
// a silent endpoint at once.
func TestHostileEndpointCancel(t *testing.T) {
	isolateAWS(t, "fourc-test", "fourc-test-secret")
	url := hostiletest.Start(t, hostiletest.Server{Behaviour: hostiletest.Silent})
	run, cancel := context.WithCancel(context.Background())
	ctx := limits.With(run, limits.Limits{HeaderTimeout: time.Minute, RequestTimeout: time.Minute})
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := Scan(ctx, Options{Endpoint: url, Insecure: true})
	if err == nil {
		t.Fatal("no error")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancelled scan took %v to stop", took)
	}
}

// writeCABundle writes a self-signed CA certificate as a PEM file.
func writeCABundle(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fourc test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSDKLogger: the SDK's messages reach the logger at debug level only,
// and are dropped without one.
func TestSDKLogger(t *testing.T) {
	var buf strings.Builder
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sdkLogger(l).Logf(logging.Warn, "falling back to %s", "IMDSv1")
	if buf.Len() != 0 {
		t.Errorf("logged without debug level: %q", buf.String())
	}
	l = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sdkLogger(l).Logf(logging.Warn, "falling back to %s", "IMDSv1")
	if !strings.Contains(buf.String(), "falling back to IMDSv1") || !strings.Contains(buf.String(), "level=DEBUG") {
		t.Errorf("debug log: %q", buf.String())
	}
	sdkLogger(nil).Logf(logging.Warn, "dropped")
}
