package probe_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/probe"
	"github.com/fourc-dev/fourc/internal/transport/hostiletest"
)

// TestHostileEndpoints: endpoints that never answer, trickle bytes,
// stream an endless body or an endless header end the probe in bounded
// time and memory with skipped entries, one line each; when none
// answered at all, Run says so with ErrNoAnswer.
func TestHostileEndpoints(t *testing.T) {
	small := limits.Limits{
		ConnectTimeout: 500 * time.Millisecond,
		HeaderTimeout:  700 * time.Millisecond,
		RequestTimeout: 1500 * time.Millisecond,
		ResponseBytes:  1 << 20,
	}
	for _, b := range hostiletest.All() {
		t.Run(b.String(), func(t *testing.T) {
			tlsURL := hostiletest.Start(t, hostiletest.Server{Behaviour: b, TLS: true, Tick: 200 * time.Millisecond})
			plainURL := hostiletest.Start(t, hostiletest.Server{Behaviour: b, Tick: 200 * time.Millisecond})
			ctx := limits.With(context.Background(), small)
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			got, skipped, err := probe.Run(ctx, probe.Options{APIServer: []string{tlsURL}, Kubelet: []string{tlsURL, plainURL}})
			took := time.Since(start)
			if took > 8*time.Second {
				t.Errorf("took %v", took)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			// Allocated in all, garbage included: an endless body read
			// whole would allocate gigabytes in that time.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MiB", grew>>20)
			}
			for _, s := range skipped {
				if strings.Contains(s.Reason, "\n") || s.Path == "" {
					t.Errorf("skipped entry %+v", s)
				}
			}
			if b == hostiletest.Silent {
				if !errors.Is(err, probe.ErrNoAnswer) || strings.Contains(err.Error(), "\n") {
					t.Errorf("silent endpoints: err = %v, want one line wrapping ErrNoAnswer", err)
				}
				return
			}
			// The TLS endpoints answer the handshake, so they are probed
			// (a self-signed certificate). The anonymous requests that
			// follow are skipped when no status line comes in time;
			// trickled and endless bodies are never read, their 200 OK
			// is a finding.
			if err != nil {
				t.Errorf("err = %v", err)
			}
			if len(got) == 0 {
				t.Error("no findings")
			}
			if (b == hostiletest.TrickleHeader || b == hostiletest.HugeHeader) != (len(skipped) > 0) {
				t.Errorf("skipped %v", skipped)
			}
			for _, s := range skipped {
				t.Logf("skipped %s", s)
			}
		})
	}
}

// TestHostileEndpointsCancel: cancelling the run stops the probe of a
// silent endpoint at once.
func TestHostileEndpointsCancel(t *testing.T) {
	url := hostiletest.Start(t, hostiletest.Server{Behaviour: hostiletest.Silent, TLS: true})
	run, cancel := context.WithCancel(context.Background())
	ctx := limits.With(run, limits.Limits{ConnectTimeout: time.Minute, HeaderTimeout: time.Minute, RequestTimeout: time.Minute})
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := probe.Run(ctx, probe.Options{APIServer: []string{url}, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancelled probe took %v to stop", took)
	}
}
