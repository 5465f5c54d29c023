package audit

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// DefaultMaxLine is the longest line (bytes) read as an event; a longer
// one is skipped and reported. The API server's own default for a
// RequestResponse event is bounded by the request and response sizes, so
// an event beyond this is rare and mostly a huge list response.
const DefaultMaxLine = 4 << 20

// maxSkippedReported is how many bad lines per input are reported one by
// one; the rest are counted in one more entry.
const maxSkippedReported = 20

// scannerName names the audit reader in skipped entries.
const scannerName = "audit"

// Stdin is the argument that names standard input.
const Stdin = "-"

var (
	rotationNumber = regexp.MustCompile(`\.(\d+)$`)
	rotationStamp  = regexp.MustCompile(`\d{4}-?\d{2}-?\d{2}(?:[T_-]?\d{2}[-:]?\d{2}(?:[-:]?\d{2})?(?:\.\d+)?)?`)
)

// Inputs expands the arguments into the files to read, in order: "-" is
// standard input; a directory is its rotated logs, oldest first (see
// [OrderRotated]); a file is itself.
func Inputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == Stdin {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("audit log %q: %w", a, err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("audit log folder %q: %w", a, err)
		}
		var names []string
		for _, e := range ents {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		for _, n := range OrderRotated(names) {
			out = append(out, filepath.Join(a, n))
		}
	}
	return out, nil
}

// OrderRotated sorts the names of a folder of rotated logs oldest first:
// those with a date in the name (audit.log-20261206, the API server's own
// audit-2026-12-06T10-00-00.000.log) by that date, then numbered ones
// (audit.log.2 before audit.log.1), then the live file(s) by name. A
// ".gz" suffix is ignored for the order.
func OrderRotated(names []string) []string {
	type key struct {
		class int
		stamp string
		n     int
		name  string
	}
	keyOf := func(name string) key {
		base := strings.TrimSuffix(name, ".gz")
		if m := rotationNumber.FindStringSubmatch(base); m != nil {
			n, _ := strconv.Atoi(m[1])
			return key{class: 1, n: -n, name: name}
		}
		if s := rotationStamp.FindString(base); s != "" {
			return key{class: 0, stamp: strings.NewReplacer("-", "", ":", "", "T", "", "_", "").Replace(s), name: name}
		}
		return key{class: 2, name: name}
	}
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b string) int {
		ka, kb := keyOf(a), keyOf(b)
		return cmp.Or(cmp.Compare(ka.class, kb.class), cmp.Compare(ka.stamp, kb.stamp), cmp.Compare(ka.n, kb.n), cmp.Compare(ka.name, kb.name))
	})
	return out
}

// open opens one input, decompressing gzip (by its magic bytes, whatever
// the name).
func open(path string, stdin io.Reader) (io.Reader, func(), error) {
	var r io.Reader = stdin
	done := func() {}
	if path != Stdin {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		r, done = f, func() { f.Close() }
	}
	br := bufio.NewReaderSize(r, 256<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			done()
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, done, nil
	}
	return br, done, nil
}

// lineReader reads lines of at most max bytes. Its state survives io.EOF,
// so that a reader following a growing file keeps a partial last line
// until its end arrives.
type lineReader struct {
	r       *bufio.Reader
	max     int
	buf     []byte
	tooLong bool
	n       int
}

func newLineReader(r io.Reader, max int) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	return &lineReader{r: br, max: max}
}

// next returns the next complete line without its end of line, its
// number, and whether it was too long (then the line is empty). At the
// end of the data it returns io.EOF and keeps any partial line.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	for {
		chunk, err := l.r.ReadSlice('\n')
		if err == nil && len(l.buf) == 0 && !l.tooLong && len(chunk) <= l.max+1 {
			l.n++
			return trimEOL(chunk), false, nil
		}
		switch {
		case l.tooLong:
		case len(l.buf)+len(chunk) > l.max+1:
			l.tooLong, l.buf = true, l.buf[:0]
		default:
			l.buf = append(l.buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		l.n++
		line, tooLong = trimEOL(l.buf), l.tooLong
		l.buf, l.tooLong = l.buf[:0], false
		return line, tooLong, nil
	}
}

// rest returns the partial line left at the end of the data, if any.
func (l *lineReader) rest() (line []byte, tooLong, ok bool) {
	if len(l.buf) == 0 && !l.tooLong {
		return nil, false, false
	}
	l.n++
	line, tooLong = trimEOL(l.buf), l.tooLong
	l.buf, l.tooLong = l.buf[:0], false
	return line, tooLong, true
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// Stats counts what reading saw.
type Stats struct {
	Lines, Events, Malformed, TooLong int
}

// eventSink gets every decoded event with its position.
type eventSink func(ev *auditv1.Event, pos Position)

// ReadOptions tune [Read].
type ReadOptions struct {
	// MaxLine is the longest line read as an event (default
	// DefaultMaxLine).
	MaxLine int
	// Annotations decodes the events' annotations, which only user rules
	// read (see [Analyzer.NeedsAnnotations]); skipping them saves a map
	// per event.
	Annotations bool
	// live hands each event over as soon as its line is read, before
	// waiting for more input (--follow on standard input).
	live bool
}

// lineDecoder turns lines into events, counting and reporting bad ones.
// Lines are decoded in parallel, in batches (see decodeStage), and handed
// to the sink in their order.
type lineDecoder struct {
	path    string
	max     int
	stats   *Stats
	sink    eventSink
	skipped []finding.Skipped
	bad     int
	stage   *decodeStage
}

func newLineDecoder(path string, max int, annotations bool, st *Stats, sink eventSink) *lineDecoder {
	d := &lineDecoder{path: path, max: max, stats: st, sink: sink}
	d.stage = newDecodeStage(annotations, d.deliver)
	return d
}

// line queues one line; its event reaches the sink at the latest at the
// next flush.
func (d *lineDecoder) line(n int, line []byte, tooLong bool) { d.stage.add(n, line, tooLong) }

// flush hands every queued line's event to the sink.
func (d *lineDecoder) flush() { d.stage.flush() }

// close flushes and stops the decoding goroutines.
func (d *lineDecoder) close() {
	d.stage.flush()
	d.stage.stop()
}

// deliver handles one decoded line, in order.
func (d *lineDecoder) deliver(n int, ev *auditv1.Event, tooLong, blank bool, err error) {
	d.stats.Lines++
	switch {
	case tooLong:
		d.stats.TooLong++
		d.skip(n, fmt.Sprintf("line longer than %d bytes", d.max))
	case blank:
	case err != nil:
		d.stats.Malformed++
		d.skip(n, "malformed audit event: "+err.Error())
	default:
		d.stats.Events++
		d.sink(ev, Position{Path: d.path, Line: n})
	}
}

func (d *lineDecoder) skip(n int, reason string) {
	d.bad++
	if d.bad <= maxSkippedReported {
		d.skipped = append(d.skipped, finding.Skipped{Path: d.path + ":" + strconv.Itoa(n), Scanner: scannerName, Reason: reason})
	}
}

func (d *lineDecoder) done() []finding.Skipped {
	if d.bad > maxSkippedReported {
		d.skipped = append(d.skipped, finding.Skipped{Path: d.path, Scanner: scannerName,
			Reason: fmt.Sprintf("%d more bad lines not listed", d.bad-maxSkippedReported)})
	}
	return d.skipped
}

// Read reads every input in order, one event at a time, and gives each to
// sink. Bad lines are skipped and reported; an input that cannot be read
// is reported and the others are read. It stops when ctx is done.
func Read(ctx context.Context, inputs []string, stdin io.Reader, opts ReadOptions, sink eventSink) (Stats, []finding.Skipped, error) {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	var st Stats
	var skipped []finding.Skipped
	for _, path := range inputs {
		sk, err := readOne(ctx, path, stdin, opts, &st, sink)
		skipped = append(skipped, sk...)
		if ctx.Err() != nil {
			return st, skipped, ctx.Err()
		}
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: path, Scanner: scannerName, Reason: err.Error()})
		}
	}
	return st, skipped, nil
}

func readOne(ctx context.Context, path string, stdin io.Reader, opts ReadOptions, st *Stats, sink eventSink) ([]finding.Skipped, error) {
	r, done, err := open(path, stdin)
	if err != nil {
		return nil, err
	}
	defer done()
	d := newLineDecoder(path, opts.MaxLine, opts.Annotations, st, sink)
	lr := newLineReader(r, opts.MaxLine)
	for {
		line, tooLong, err := lr.next()
		if err != nil {
			if line, tooLong, ok := lr.rest(); ok {
				d.line(lr.n, line, tooLong)
			}
			d.close()
			if errors.Is(err, io.EOF) {
				return d.done(), nil
			}
			return d.done(), err
		}
		d.line(lr.n, line, tooLong)
		if opts.live && lr.r.Buffered() == 0 {
			d.flush()
		}
		if lr.n%1024 == 0 && ctx.Err() != nil {
			d.close()
			return d.done(), ctx.Err()
		}
	}
}
