package transport

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/fourc-dev/fourc/internal/limits"
)

// body is a response body that errors past its cap and when the request's
// deadline or the run ends, and releases the request's timers when closed
// or read to the end.
type body struct {
	rc    io.ReadCloser
	ctx   context.Context
	left  int64
	limit int64
	done  func()
	once  sync.Once
	err   error
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		err = &Error{Kind: TooLarge, Limit: limits.Bytes(b.limit)}
	}
	b.left -= int64(n)
	if err != nil {
		if err != io.EOF {
			err = b.cause(err)
		}
		b.err = err
		b.release()
	}
	return n, err
}

// cause prefers the bound that ended the request to the read error it
// caused ("context canceled", "use of closed connection").
func (b *body) cause(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if c := context.Cause(b.ctx); c != nil && !errors.Is(c, context.Canceled) {
		return c
	}
	return err
}

func (b *body) Close() error {
	err := b.rc.Close()
	b.release()
	return err
}

func (b *body) release() { b.once.Do(b.done) }
