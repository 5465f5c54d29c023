package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport/hostiletest"
)

// small are limits that end each hostile request within about a second.
func small() limits.Limits {
	return limits.Limits{
		ConnectTimeout: 500 * time.Millisecond,
		HeaderTimeout:  700 * time.Millisecond,
		RequestTimeout: 1500 * time.Millisecond,
		ResponseBytes:  1 << 20,
	}
}

func get(ctx context.Context, t *testing.T, url string) error {
	t.Helper()
	client := &http.Client{Transport: New(ctx, &tls.Config{InsecureSkipVerify: true})} // #nosec G402 -- hostile test server
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func TestHostileServers(t *testing.T) {
	tests := []struct {
		b    hostiletest.Behaviour
		want string // a regexp
	}{
		{hostiletest.Silent, "^no (response|TLS handshake) within (700|500)ms$"},
		{hostiletest.TrickleHeader, "^no response within 700ms$"},
		{hostiletest.TrickleBody, "^response not complete within 1.5s$"},
		{hostiletest.EndlessBody, "^response body larger than 1 MiB$"},
		// On a slow machine the header may not reach the cap in time.
		{hostiletest.HugeHeader, "exceeded 1048576 bytes|^no response within 700ms$"},
	}
	for _, tc := range tests {
		for _, useTLS := range []bool{false, true} {
			name := tc.b.String()
			if useTLS {
				name += "/tls"
			}
			t.Run(name, func(t *testing.T) {
				addr := hostiletest.Start(t, hostiletest.Server{Behaviour: tc.b, TLS: useTLS, Tick: 200 * time.Millisecond})
				ctx := limits.With(context.Background(), small())
				o := hostiletest.Call(func() error { return get(ctx, t, addr) })
				o.Bounded(t, 3*time.Second, 64<<20)
				err := o.Err
				var ue *url.Error
				if errors.As(err, &ue) {
					err = ue.Err
				}
				if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				if tc.b != hostiletest.HugeHeader && !errors.Is(err, limits.ErrExceeded) {
					t.Errorf("errors.Is(%v, ErrExceeded) is false", err)
				}
			})
		}
	}
}

func TestRunCancelStopsRequest(t *testing.T) {
	addr := hostiletest.Start(t, hostiletest.Server{Behaviour: hostiletest.TrickleBody, Tick: 100 * time.Millisecond})
	run, cancel := context.WithCancel(context.Background())
	ctx := limits.With(run, limits.Limits{HeaderTimeout: time.Minute, RequestTimeout: time.Minute})
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	err := get(ctx, t, addr)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancelled run took %v to stop", took)
	}
}

func TestWellBehavedServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("a", 1<<20))
	}))
	defer srv.Close()
	ctx := limits.With(context.Background(), small())
	for range 3 {
		if err := get(ctx, t, srv.URL); err != nil {
			t.Fatalf("a body of exactly the cap: %v", err)
		}
	}
}
