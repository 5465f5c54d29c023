package operator

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// writeCounter counts the write requests a client makes.
type writeCounter struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			w.mu.Lock()
			w.writes = append(w.writes, req.Method+" "+req.URL.Path)
			w.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// since returns the writes after the first n.
func (w *writeCounter) since(n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.writes[n:]...)
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestIdleWrites: once its reports are complete and nothing changes, the
// operator writes nothing.
func TestIdleWrites(t *testing.T) {
	ctx := context.Background()
	reg := imagetest.Registry(t)
	img := reg + "/shop/idle:1.0"
	push(t, img, testImage(t, "idle"))
	const ns = "idle"
	namespace(t, ns)
	var wc writeCounter
	cfg := env.RESTConfig()
	cfg.WrapTransport = wc.wrap
	start(t, Options{Config: cfg, ScanMode: ModeInProcess, Namespaces: []string{ns}, InsecureRegistry: true})
	for _, d := range []*appsv1.Deployment{riskyDeployment(ns, "a", img), hardenedDeployment(ns, "b", img)} {
		if err := kc.Create(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	report(t, ns, "deployment-a", nil)
	report(t, ns, "deployment-b", nil)
	// Settled: no write for several debounce periods (300 ms) in a row.
	settled := time.Now().Add(time.Minute)
	last, quiet := wc.count(), time.Now()
	for time.Since(quiet) < 3*time.Second {
		if time.Now().After(settled) {
			t.Fatalf("still writing after a minute: %v", wc.since(max(0, wc.count()-20)))
		}
		time.Sleep(200 * time.Millisecond)
		if n := wc.count(); n != last {
			last, quiet = n, time.Now()
		}
	}
	before := wc.count()
	time.Sleep(5 * time.Second)
	if w := wc.since(before); len(w) > 0 {
		t.Errorf("%d writes while idle, want 0: %v", len(w), w)
	}
}
