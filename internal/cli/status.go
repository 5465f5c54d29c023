package cli

import (
	"context"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/progress"
)

// statusEvery is how often the status line is redrawn at most (a
// variable for tests).
var statusEvery = 100 * time.Millisecond

// statusLine shows the latest progress event of a run on one line of
// stderr, redrawn at most every statusEvery and only when it changed, and
// erased when the run ends. Report only stores the event: the work never
// waits for the terminal.
type statusLine struct {
	w     io.Writer
	width int

	mu     sync.Mutex
	ev     progress.Event
	fresh  bool
	drawn  bool
	closed bool

	stop chan struct{}
	done chan struct{}
}

// Report implements progress.Reporter.
func (s *statusLine) Report(e progress.Event) {
	s.mu.Lock()
	s.ev, s.fresh = e, true
	s.mu.Unlock()
}

// status starts the progress line of a run when stderr is a terminal and
// --quiet is off, and returns ctx carrying it and the function that
// erases it (call it before printing anything else). Otherwise ctx is
// returned as it is: the work reports to nobody.
func (g *globals) status(ctx context.Context) (context.Context, func()) {
	if g.quiet || !isTerminal(g.stderr) {
		return ctx, func() {}
	}
	s := newStatusLine(g.stderr, terminalWidth(g.stderr))
	g.shown.Store(s)
	go s.run(ctx, statusEvery)
	return progress.WithReporter(ctx, s), func() {
		g.shown.CompareAndSwap(s, nil)
		s.close()
	}
}

// logWriter is stderr for the logger: a log line erases the progress line
// first, which is drawn again at the next tick.
type logWriter struct{ g *globals }

func (w logWriter) Write(p []byte) (int, error) {
	if s := w.g.shown.Load(); s != nil {
		return s.writeAbove(p)
	}
	return w.g.stderr.Write(p)
}

// writeAbove erases the line, writes p and has the line redrawn.
func (s *statusLine) writeAbove(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drawn {
		_, _ = io.WriteString(s.w, "\r\x1b[K")
		s.drawn, s.fresh = false, true
	}
	return s.w.Write(p)
}

func newStatusLine(w io.Writer, width int) *statusLine {
	if width <= 0 {
		width = 80
	}
	return &statusLine{w: w, width: width, stop: make(chan struct{}), done: make(chan struct{})}
}

// run redraws the line every interval until close (or ctx ends).
func (s *statusLine) run(ctx context.Context, every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.draw()
		case <-ctx.Done():
			s.erase()
			return
		case <-s.stop:
			s.erase()
			return
		}
	}
}

func (s *statusLine) draw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fresh || s.closed {
		return
	}
	s.fresh = false
	line := fit(s.ev.String(), s.width-1)
	_, _ = io.WriteString(s.w, "\r"+line+"\x1b[K")
	s.drawn = true
}

func (s *statusLine) erase() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drawn {
		_, _ = io.WriteString(s.w, "\r\x1b[K")
	}
	s.drawn, s.closed = false, true
}

// close erases the line and waits until nothing more is drawn.
func (s *statusLine) close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// fit cuts line to width runes, with an ellipsis, and drops control
// characters (a file name may hold any).
func fit(line string, width int) string {
	line = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, line)
	if width < 1 || utf8.RuneCountInString(line) <= width {
		return line
	}
	r := []rune(line)
	return string(r[:width-1]) + "…"
}
