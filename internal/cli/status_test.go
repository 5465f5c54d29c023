package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/progress"
)

// syncBuffer is a bytes.Buffer safe for the status goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestStatusLineThrottlesAndErases(t *testing.T) {
	var out syncBuffer
	s := newStatusLine(&out, 60)
	const every = 20 * time.Millisecond
	begin := time.Now()
	go s.run(context.Background(), every)
	for i := range 100_000 {
		s.Report(progress.Event{Step: "scan shop", Done: i, Total: 100_000, Unit: "units"})
	}
	time.Sleep(60 * time.Millisecond)
	s.Report(progress.Event{Step: "scan shop", Done: 1, Total: 2, Unit: "units", Now: "rendering Helm chart charts/api\x1b[2J with a very long name that does not fit"})
	time.Sleep(60 * time.Millisecond)
	s.close()
	ticks := int(time.Since(begin) / every)
	s.Report(progress.Event{Step: "after close"})
	time.Sleep(30 * time.Millisecond)
	got := out.String()
	// At most one draw per tick, and only when the event changed.
	draws := strings.Count(got, "\x1b[K") - 1
	if draws < 2 || draws > ticks {
		t.Errorf("%d draws in %d ticks:\n%q", draws, ticks, got)
	}
	if !strings.Contains(got, "\rscan shop: 99999/100000 units\x1b[K") {
		t.Errorf("latest event not drawn: %q", got)
	}
	if !strings.Contains(got, "\rscan shop: 1/2 units · rendering Helm chart charts/api?[2J…\x1b[K") {
		t.Errorf("long line not cut to 59 columns with control characters replaced: %q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") || strings.Contains(got, "after close") {
		t.Errorf("line not erased at the end: %q", got)
	}
}

// TestStatusLineSilent: nothing is drawn, nothing erased, when no event
// came.
func TestStatusLineSilent(t *testing.T) {
	var out syncBuffer
	s := newStatusLine(&out, 80)
	go s.run(context.Background(), time.Millisecond)
	time.Sleep(10 * time.Millisecond)
	s.close()
	if out.String() != "" {
		t.Errorf("wrote %q", out.String())
	}
}

// TestStatusOffWhenNotATerminal: a buffer, or --quiet, gets no line and
// the work reports to nobody.
func TestStatusOffWhenNotATerminal(t *testing.T) {
	for _, g := range []*globals{{stderr: &bytes.Buffer{}}, {stderr: &bytes.Buffer{}, quiet: true}} {
		ctx, done := g.status(context.Background())
		if progress.Enabled(ctx) {
			t.Errorf("quiet=%v: progress enabled on a buffer", g.quiet)
		}
		done()
		if s := g.stderr.(*bytes.Buffer).String(); s != "" {
			t.Errorf("wrote %q", s)
		}
	}
}
