package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	apiversion "k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport"
)

// maxResponseBytes caps one API response below the run's ResponseBytes:
// a list page of DefaultPageSize objects is a few MiB, and client-go
// reads a whole response into a growing buffer before decoding it.
const maxResponseBytes = 128 << 20

// bound makes every request of cfg observe the network limits of ctx and
// ctx itself: connections within ConnectTimeout, headers within
// HeaderTimeout, whole requests within RequestTimeout, bodies of at most
// ResponseBytes (and maxResponseBytes). An API server that never
// answers, trickles bytes or streams an endless body fails the read with
// one line, in bounded time and memory.
func bound(ctx context.Context, cfg *rest.Config) {
	l := limits.From(ctx)
	// A backstop only: the wrapped transport ends a request first, with
	// an error that says which bound it hit.
	cfg.Timeout = l.RequestTimeout + time.Second
	cfg.Dial = transport.Dialer(ctx).DialContext
	if l.ResponseBytes > maxResponseBytes {
		l.ResponseBytes = maxResponseBytes
	}
	bounded := limits.With(ctx, l)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return transport.Wrap(bounded, rt) })
}

// quiet drops client-go's own log lines (such as "Unexpected error when
// reading response body"): the error they describe is returned, once.
func quiet(ctx context.Context) context.Context {
	return klog.NewContext(ctx, logr.Discard())
}

// serverVersion asks the server's /version, observing ctx (the discovery
// client's ServerVersion does not take one).
func serverVersion(ctx context.Context, cs kubernetes.Interface) (*apiversion.Info, error) {
	raw, err := cs.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	if err != nil {
		return nil, err
	}
	var v apiversion.Info
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decoding the server version: %w", err)
	}
	return &v, nil
}
