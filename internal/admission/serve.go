package admission

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
)

// The files of a mounted kubernetes.io/tls Secret.
const (
	CertFile = "tls.crt"
	KeyFile  = "tls.key"
)

// DefaultCertInterval is how often the certificate files are re-read,
// besides the file-system events that announce a rotation.
const DefaultCertInterval = 10 * time.Second

// shutdownGrace is how long requests in flight may finish after ctx ends.
const shutdownGrace = 10 * time.Second

// WatchCertificate loads tls.crt and tls.key from dir and keeps them
// current as they are rotated (file-system events, and a re-read every
// interval). Run the returned watcher's Start until the server stops.
func WatchCertificate(dir string, interval time.Duration) (*certwatcher.CertWatcher, error) {
	cert, key := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	cw, err := certwatcher.New(cert, key)
	if err != nil {
		return nil, fmt.Errorf("loading the TLS certificate from %q (want %s and %s, as a mounted kubernetes.io/tls Secret has them): %w", dir, CertFile, KeyFile, err)
	}
	if interval <= 0 {
		interval = DefaultCertInterval
	}
	return cw.WithWatchInterval(interval), nil
}

// ServeTLS serves the webhook (/validate, /healthz, /readyz) over TLS on
// ln with the watcher's certificate, until ctx ends; then it lets the
// requests in flight finish.
func (s *Server) ServeTLS(ctx context.Context, ln net.Listener, cw *certwatcher.CertWatcher) error {
	loaded := func() bool {
		c, _ := cw.GetCertificate(nil)
		return c != nil
	}
	s.certLoaded.Store(&loaded)
	srv := s.httpServer(s.Handler())
	srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: cw.GetCertificate}
	return serveUntil(ctx, srv, func() error { return srv.ServeTLS(ln, "", "") })
}

// ServeMetrics serves the Prometheus metrics on ln (plain HTTP, /metrics)
// until ctx ends.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.MetricsHandler())
	srv := s.httpServer(mux)
	return serveUntil(ctx, srv, func() error { return srv.Serve(ln) })
}

func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelDebug),
	}
}

func serveUntil(ctx context.Context, srv *http.Server, serve func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	return err
}

// WatchPolicy re-reads the policy file every interval until ctx ends and
// puts a changed one in force. A file that no longer parses is logged and
// counted, and the policy in force stays. Expired exemptions are logged as
// they expire.
func (s *Server) WatchPolicy(ctx context.Context, name string, interval time.Duration) {
	last, _ := os.ReadFile(name)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.logExpired()
		data, err := os.ReadFile(name)
		if err != nil || bytes.Equal(data, last) {
			continue
		}
		last = data
		p, err := ParsePolicy(name, data)
		if err == nil {
			err = s.SetPolicy(p)
		}
		if err != nil {
			s.metrics.reloads.WithLabelValues("error").Inc()
			s.cfg.Logger.Error("admission policy not reloaded; the previous one stays in force", "policy", name, "error", err.Error())
			continue
		}
		s.metrics.reloads.WithLabelValues("success").Inc()
		s.cfg.Logger.Info("admission policy reloaded", "policy", name, "mode", string(p.Mode), "fail_on", p.FailOn.String())
	}
}
