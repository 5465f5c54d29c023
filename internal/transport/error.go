package transport

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/limits"
)

// Kind says which bound a request hit.
type Kind int

// The kinds of [Error].
const (
	// NoConnection: no connection within ConnectTimeout.
	NoConnection Kind = iota + 1
	// NoHandshake: no TLS handshake within ConnectTimeout.
	NoHandshake
	// NoResponse: no response headers within HeaderTimeout.
	NoResponse
	// Incomplete: the response was not complete within RequestTimeout.
	Incomplete
	// TooLarge: the response body exceeded ResponseBytes.
	TooLarge
)

// Error is a request stopped by one of the run's network limits. Its
// message is short, for a caller to prefix with the endpoint: "no
// response within 30s". It wraps [limits.ErrExceeded] and is a timeout for
// the deadlines, as net.Error means it.
type Error struct {
	Kind Kind
	// Limit is the bound, formatted for a person ("30s", "256 MiB").
	Limit string
}

func (e *Error) Error() string {
	switch e.Kind {
	case NoConnection:
		return fmt.Sprintf("no connection within %s", e.Limit)
	case NoHandshake:
		return fmt.Sprintf("no TLS handshake within %s", e.Limit)
	case NoResponse:
		return fmt.Sprintf("no response within %s", e.Limit)
	case Incomplete:
		return fmt.Sprintf("response not complete within %s", e.Limit)
	case TooLarge:
		return fmt.Sprintf("response body larger than %s", e.Limit)
	}
	return "network limit exceeded"
}

// Unwrap makes errors.Is(err, limits.ErrExceeded) true.
func (e *Error) Unwrap() error { return limits.ErrExceeded }

// Timeout reports whether a deadline (not the size cap) was hit.
func (e *Error) Timeout() bool { return e.Kind != TooLarge }

// Temporary is false: retrying would hit the same bound.
func (e *Error) Temporary() bool { return false }
