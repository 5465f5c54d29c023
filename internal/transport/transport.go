// Package transport bounds fourc's HTTP clients by the run's limits: the
// connection (limits.ConnectTimeout), the wait for response headers
// (HeaderTimeout), the whole request with its body (RequestTimeout) and the
// size of a response body (ResponseBytes). A server that never answers,
// trickles bytes or streams an endless body makes a request fail with an
// [*Error] in bounded time and memory, and every request stops when the
// run's context is cancelled.
package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
)

// MaxHeaderBytes caps the headers of one response. Real servers send a
// few KiB.
const MaxHeaderBytes = 1 << 20

// New returns an HTTP transport bounded by the limits of ctx: proxies from
// the environment, tlsConfig (nil for the defaults), connections and TLS
// handshakes within ConnectTimeout, headers of at most [MaxHeaderBytes],
// and the deadlines and body cap of [Wrap]. Requests also stop when ctx is
// cancelled.
func New(ctx context.Context, tlsConfig *tls.Config) http.RoundTripper {
	l := limits.From(ctx)
	base := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            Dialer(ctx).DialContext,
		TLSClientConfig:        tlsConfig,
		TLSHandshakeTimeout:    l.ConnectTimeout,
		MaxResponseHeaderBytes: MaxHeaderBytes,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		IdleConnTimeout:        90 * time.Second,
		ExpectContinueTimeout:  time.Second,
	}
	return Wrap(ctx, base)
}

// Dialer returns a dialer whose connections must be made within the
// ConnectTimeout of ctx.
func Dialer(ctx context.Context) *net.Dialer {
	return &net.Dialer{Timeout: limits.From(ctx).ConnectTimeout, KeepAlive: 30 * time.Second}
}

// Wrap bounds every request made through rt by the limits of ctx: the
// response headers must arrive within HeaderTimeout of the request's
// start, the whole response (body included) within RequestTimeout, and the
// body must not exceed ResponseBytes. A request also stops when ctx (the
// run) or the request's own context is cancelled.
func Wrap(ctx context.Context, rt http.RoundTripper) http.RoundTripper {
	return &bounded{run: ctx, next: rt, limits: limits.From(ctx)}
}

type bounded struct {
	run    context.Context
	next   http.RoundTripper
	limits limits.Limits
}

// RoundTrip sends req under the deadlines and wraps the body in a reader
// that enforces the size cap and the whole-request deadline.
func (b *bounded) RoundTrip(req *http.Request) (*http.Response, error) {
	l := b.limits
	ctx, cancel := context.WithCancelCause(req.Context())
	stopRun := context.AfterFunc(b.run, func() { cancel(context.Cause(b.run)) })
	whole := time.AfterFunc(l.RequestTimeout, func() {
		cancel(&Error{Kind: Incomplete, Limit: l.RequestTimeout.String()})
	})
	header := time.AfterFunc(l.HeaderTimeout, func() {
		cancel(&Error{Kind: NoResponse, Limit: l.HeaderTimeout.String()})
	})
	done := func() {
		header.Stop()
		whole.Stop()
		stopRun()
		cancel(nil)
	}
	resp, err := b.next.RoundTrip(req.WithContext(ctx))
	header.Stop()
	if err != nil {
		cause := context.Cause(ctx)
		done()
		return nil, b.explain(err, cause)
	}
	if req.Method != http.MethodHead && resp.ContentLength > l.ResponseBytes {
		resp.Body.Close()
		done()
		return nil, &Error{Kind: TooLarge, Limit: limits.Bytes(l.ResponseBytes)}
	}
	resp.Body = &body{rc: resp.Body, ctx: ctx, left: l.ResponseBytes, limit: l.ResponseBytes, done: done}
	return resp, nil
}

// explain turns the error of a round trip into an [*Error] when a bound
// caused it.
func (b *bounded) explain(err, cause error) error {
	var e *Error
	switch {
	case errors.As(cause, &e):
		return e
	case cause != nil && !errors.Is(cause, context.Canceled):
		return cause
	case errors.As(err, &e):
		return e
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && op.Timeout() {
		return &Error{Kind: NoConnection, Limit: b.limits.ConnectTimeout.String()}
	}
	// net/http's TLSHandshakeTimeout error has no exported type.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && strings.Contains(err.Error(), "TLS handshake timeout") {
		return &Error{Kind: NoHandshake, Limit: b.limits.ConnectTimeout.String()}
	}
	if errors.Is(err, context.Canceled) && b.run.Err() != nil {
		return context.Cause(b.run)
	}
	return err
}

// CloseIdleConnections closes the idle connections of the wrapped
// transport, so that http.Client.CloseIdleConnections reaches it.
func (b *bounded) CloseIdleConnections() {
	if c, ok := b.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
