// Package hostiletest starts hostile HTTP servers on 127.0.0.1 for tests
// of network clients: one that accepts and never answers, ones that
// trickle their headers or body a byte at a time, one that streams an
// endless body and one that sends an endless header. Each is a real
// listener; the test's cleanup closes it and every connection.
package hostiletest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Behaviour is how a server misbehaves.
type Behaviour int

// The behaviours of [Start].
const (
	// Silent accepts connections, reads what it is sent and never
	// answers (not even a TLS handshake).
	Silent Behaviour = iota + 1
	// TrickleHeader sends its status line and headers a byte a second.
	TrickleHeader
	// TrickleBody sends its headers at once, then the body a byte a
	// second.
	TrickleBody
	// EndlessBody sends a 200 OK whose body never ends, as fast as the
	// client reads.
	EndlessBody
	// HugeHeader sends a 200 OK with a header line that never ends.
	HugeHeader
)

// String names the behaviour, for subtests.
func (b Behaviour) String() string {
	switch b {
	case Silent:
		return "silent"
	case TrickleHeader:
		return "trickle-header"
	case TrickleBody:
		return "trickle-body"
	case EndlessBody:
		return "endless-body"
	case HugeHeader:
		return "huge-header"
	}
	return "unknown"
}

// All lists every behaviour.
func All() []Behaviour {
	return []Behaviour{Silent, TrickleHeader, TrickleBody, EndlessBody, HugeHeader}
}

// Server says how to misbehave.
type Server struct {
	Behaviour Behaviour
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1
	// (Silent never completes a handshake either way).
	TLS bool
	// ContentType of the answers (default application/octet-stream).
	ContentType string
	// Prefix starts the body (e.g. an XML root element that the endless
	// part then fills); Fill is repeated after it (default "x").
	Prefix, Fill string
	// Tick is the pause between trickled bytes (default 1s).
	Tick time.Duration
}

// Start starts s on 127.0.0.1 and returns its URL (http:// or https://).
func Start(t testing.TB, s Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.ContentType == "" {
		s.ContentType = "application/octet-stream"
	}
	if s.Fill == "" {
		s.Fill = "x"
	}
	if s.Tick <= 0 {
		s.Tick = time.Second
	}
	var cfg *tls.Config
	if s.TLS {
		cfg = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12}
	}
	done := make(chan struct{})
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					c.Close()
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
				}()
				s.serve(c, cfg, done)
			})
		}
	})
	t.Cleanup(func() {
		close(done)
		l.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	scheme := "http://"
	if s.TLS {
		scheme = "https://"
	}
	return scheme + l.Addr().String()
}

// serve misbehaves on one connection until the client or the test
// closes it.
func (s Server) serve(c net.Conn, cfg *tls.Config, done <-chan struct{}) {
	if s.Behaviour == Silent {
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}
	if cfg != nil {
		c = tls.Server(c, cfg)
	}
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		req.Body.Close()
		if !s.answer(c, done) {
			return
		}
	}
}

// answer writes one misbehaving response; it reports whether the
// connection may serve another request (never, so far).
func (s Server) answer(c net.Conn, done <-chan struct{}) bool {
	head := "HTTP/1.1 200 OK\r\nContent-Type: " + s.ContentType + "\r\n"
	write := func(b string) bool {
		select {
		case <-done:
			return false
		default:
		}
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, err := c.Write([]byte(b))
		return err == nil
	}
	trickle := func(b string) bool {
		for i := range len(b) {
			if !write(b[i : i+1]) {
				return false
			}
			select {
			case <-done:
				return false
			case <-time.After(s.Tick):
			}
		}
		return true
	}
	endless := func(b string) bool {
		chunk := strings.Repeat(b, (32<<10)/len(b)+1)
		for write(chunk) {
		}
		return false
	}
	switch s.Behaviour {
	case TrickleHeader:
		trickle(head + "Content-Length: 2\r\n\r\nok")
	case TrickleBody:
		if write(head + "Content-Length: 1000000\r\n\r\n" + s.Prefix) {
			for trickle(s.Fill) {
			}
		}
	case EndlessBody:
		if write(head + "Connection: close\r\n\r\n" + s.Prefix) {
			endless(s.Fill)
		}
	case HugeHeader:
		if write(head + "X-Endless: ") {
			endless("x")
		}
	}
	return false
}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hostile"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
