package audit

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// FollowOptions tune [Follow].
type FollowOptions struct {
	// MaxLine is the longest line read as an event.
	MaxLine int
	// Poll is how often a file at its end is checked for growth, rotation
	// and truncation (default 250ms).
	Poll time.Duration
	// FromStart reads the file from its beginning; by default only what
	// is written after Follow starts is read, like tail -F -n0.
	FromStart bool
	// Annotations decodes the events' annotations (see [ReadOptions]).
	Annotations bool
	// Skipped gets every bad line as it is met.
	Skipped func(finding.Skipped)
}

// Follow reads a growing audit log like `tail -F` and gives each new event
// to sink as it is written, until ctx is done (then it returns nil). When
// the file is rotated (its name now names another file) the rest of the
// old file is read and the new one followed from its start; when it is
// truncated it is read again from its start; while it is missing Follow
// waits. Path "-" reads standard input until its end.
func Follow(ctx context.Context, path string, stdin io.Reader, opts FollowOptions, sink func(ev *auditv1.Event, pos Position)) (Stats, error) {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.Poll <= 0 {
		opts.Poll = 250 * time.Millisecond
	}
	var st Stats
	if path == Stdin {
		_, err := readOne(ctx, path, stdin, ReadOptions{MaxLine: opts.MaxLine, Annotations: opts.Annotations, live: true}, &st, sink)
		return st, err
	}
	t := &tail{path: path, opts: opts, stats: &st, sink: sink}
	err := t.run(ctx)
	if ctx.Err() != nil {
		return st, nil
	}
	return st, err
}

type tail struct {
	path  string
	opts  FollowOptions
	stats *Stats
	sink  eventSink

	f      *os.File
	info   os.FileInfo
	offset int64
	lr     *lineReader
	dec    *lineDecoder
}

func (t *tail) run(ctx context.Context) error {
	defer t.close()
	first := true
	tick := time.NewTicker(t.opts.Poll)
	defer tick.Stop()
	for {
		if t.f == nil {
			if err := t.openFile(!first || t.opts.FromStart); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			first = false
		}
		if t.f != nil {
			if err := t.drain(ctx); err != nil {
				return err
			}
			if err := t.checkRotation(ctx); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// openFile opens the path, at its start or (the first time, by default)
// at its end.
func (t *tail) openFile(fromStart bool) error {
	f, err := os.Open(t.path)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	t.f, t.info, t.offset = f, info, 0
	if !fromStart {
		if t.offset, err = f.Seek(0, io.SeekEnd); err != nil {
			f.Close()
			t.f = nil
			return err
		}
	}
	t.reset()
	return nil
}

func (t *tail) reset() {
	t.lr = newLineReader(t.f, t.opts.MaxLine)
	if t.dec != nil {
		t.dec.close()
	}
	t.dec = newLineDecoder(t.path, t.opts.MaxLine, t.opts.Annotations, t.stats, t.sink)
}

// drain reads every complete line written so far.
func (t *tail) drain(ctx context.Context) error {
	for ctx.Err() == nil {
		line, tooLong, err := t.lr.next()
		if errors.Is(err, io.EOF) {
			t.dec.flush()
			t.report()
			return nil
		}
		if err != nil {
			return err
		}
		t.offset += int64(len(line)) + 1
		t.dec.line(t.lr.n, line, tooLong)
	}
	return nil
}

// report hands bad lines to the caller as they are met.
func (t *tail) report() {
	if t.opts.Skipped != nil {
		for _, s := range t.dec.skipped {
			t.opts.Skipped(s)
		}
	}
	t.dec.skipped = t.dec.skipped[:0]
}

// checkRotation reopens the path when it names another file, and rereads
// the file when it shrank below what was read.
func (t *tail) checkRotation(ctx context.Context) error {
	info, err := os.Stat(t.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // rotated away, the new one is not there yet: keep reading the old
	case err != nil:
		return err
	case !os.SameFile(info, t.info):
		if err := t.drain(ctx); err != nil {
			return err
		}
		if line, tooLong, ok := t.lr.rest(); ok {
			t.dec.line(t.lr.n, line, tooLong)
			t.dec.flush()
			t.report()
		}
		t.close()
		return t.openFile(true)
	case info.Size() < t.offset:
		if _, err := t.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		t.offset = 0
		t.reset()
	}
	return nil
}

func (t *tail) close() {
	if t.dec != nil {
		t.dec.close()
		t.dec = nil
	}
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}
