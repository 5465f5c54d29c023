package objectstore

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/logging"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport"
)

// retryer is the SDK's standard retryer, except that a request stopped by
// a network limit (no response, endless body) is not retried: it would
// hit the same limit again, and the user waits three times as long.
func retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if errors.Is(err, limits.ErrExceeded) {
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
	})
}

// sdkLogger routes the SDK's messages to l at debug level, or drops them
// when l is nil: a warning such as "falling back to IMDSv1" is not the
// user's business unless they asked for debug logs.
func sdkLogger(l *slog.Logger) logging.Logger {
	if l == nil {
		return logging.Nop{}
	}
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		l.Debug(fmt.Sprintf(format, v...), "source", "aws-sdk", "class", string(c))
	})
}

// boundFailure reports whether err is a request stopped by a network
// limit, with the short cause: "no response within 30s".
func boundFailure(err error) (ErrorKind, string, bool) {
	var te *transport.Error
	if !errors.As(err, &te) {
		return 0, "", false
	}
	if te.Kind == transport.NoConnection || te.Kind == transport.NoResponse {
		return ErrUnreachable, te.Error(), true
	}
	return ErrResponse, te.Error(), true
}
