package audit

import (
	"bytes"
	"runtime"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Decoding is most of the work of reading a log, so it runs on every core:
// lines are copied into batches, worker goroutines decode whole batches,
// and the reader's goroutine hands the events to the sink in line order.
// At most maxInFlight batches are queued, so memory stays bounded whatever
// the log's size.
const (
	batchLines  = 256
	maxInFlight = 8
)

type lineRef struct {
	n, off, end int
	tooLong     bool
}

// batch is a run of lines and, once done is closed, their events.
type batch struct {
	buf    []byte
	lines  []lineRef
	events []auditv1.Event
	errs   []error
	done   chan struct{}
}

type deliverFunc func(n int, ev *auditv1.Event, tooLong, blank bool, err error)

type decodeStage struct {
	annotations bool
	deliver     deliverFunc
	work        chan *batch
	cur         *batch
	queue       []*batch
	free        []*batch
	started     bool
}

func newDecodeStage(annotations bool, deliver deliverFunc) *decodeStage {
	return &decodeStage{annotations: annotations, deliver: deliver}
}

func (s *decodeStage) start() {
	s.started = true
	workers := max(1, runtime.GOMAXPROCS(0))
	s.work = make(chan *batch, maxInFlight)
	for range workers {
		go func() {
			dec := decoder{strs: map[string]string{}, skipAnnotations: !s.annotations}
			for b := range s.work {
				decodeBatch(&dec, b)
			}
		}()
	}
}

func decodeBatch(dec *decoder, b *batch) {
	for i, l := range b.lines {
		line := b.buf[l.off:l.end]
		if l.tooLong || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		b.errs[i] = dec.decode(line, &b.events[i])
	}
	close(b.done)
}

// add queues one line (copied).
func (s *decodeStage) add(n int, line []byte, tooLong bool) {
	if s.cur == nil {
		s.cur = s.newBatch()
	}
	b := s.cur
	off := len(b.buf)
	b.buf = append(b.buf, line...)
	b.lines = append(b.lines, lineRef{n: n, off: off, end: len(b.buf), tooLong: tooLong})
	if len(b.lines) == batchLines {
		s.submit()
	}
}

func (s *decodeStage) newBatch() *batch {
	if k := len(s.free); k > 0 {
		b := s.free[k-1]
		s.free = s.free[:k-1]
		b.buf, b.lines = b.buf[:0], b.lines[:0]
		return b
	}
	return &batch{events: make([]auditv1.Event, batchLines), errs: make([]error, batchLines)}
}

// submit hands the current batch to the workers and delivers the batches
// already decoded, waiting for the oldest when too many are queued.
func (s *decodeStage) submit() {
	if !s.started {
		s.start()
	}
	b := s.cur
	s.cur = nil
	b.done = make(chan struct{})
	clear(b.errs)
	s.queue = append(s.queue, b)
	s.work <- b
	for len(s.queue) > 0 {
		select {
		case <-s.queue[0].done:
		default:
			if len(s.queue) < maxInFlight {
				return
			}
			<-s.queue[0].done
		}
		s.deliverHead()
	}
}

func (s *decodeStage) deliverHead() {
	b := s.queue[0]
	s.queue = s.queue[1:]
	for i, l := range b.lines {
		line := b.buf[l.off:l.end]
		blank := !l.tooLong && len(bytes.TrimSpace(line)) == 0
		s.deliver(l.n, &b.events[i], l.tooLong, blank, b.errs[i])
	}
	s.free = append(s.free, b)
}

// flush submits the current batch and delivers every queued one.
func (s *decodeStage) flush() {
	if s.cur != nil && len(s.cur.lines) > 0 {
		s.submit()
	}
	for len(s.queue) > 0 {
		<-s.queue[0].done
		s.deliverHead()
	}
}

// stop ends the workers; the stage must not be used after.
func (s *decodeStage) stop() {
	if s.started {
		close(s.work)
		s.started = false
	}
}
