package objectstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/logging"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport"
)

// maxResponseBytes caps one S3 answer below the run's ResponseBytes: the
// calls of an audit read bucket lists and settings (a ListBuckets page of
// 10,000 buckets is about 3 MiB, a bucket policy at most 20 KiB), and the
// SDK's XML decoder holds several copies of what it reads.
const maxResponseBytes = 32 << 20

// withS3Limits lowers the response cap of ctx to maxResponseBytes.
func withS3Limits(ctx context.Context) context.Context {
	l := limits.From(ctx)
	if l.ResponseBytes <= maxResponseBytes {
		return ctx
	}
	l.ResponseBytes = maxResponseBytes
	return limits.With(ctx, l)
}

// sdkHTTPClient is the client the AWS configuration is loaded with: the
// SDK's own (it must be, to add the CA bundle of AWS_CA_BUNDLE or the
// profile), with the connection, header and whole-request deadlines of
// ctx. Credential providers (IMDS, STS, SSO) use it as it is.
func sdkHTTPClient(ctx context.Context) *awshttp.BuildableClient {
	l := limits.From(ctx)
	return awshttp.NewBuildableClient().
		WithTransportOptions(func(tr *http.Transport) {
			tr.DialContext = transport.Dialer(ctx).DialContext
			tr.TLSHandshakeTimeout = l.ConnectTimeout
			tr.ResponseHeaderTimeout = l.HeaderTimeout
			tr.MaxResponseHeaderBytes = transport.MaxHeaderBytes
		}).
		WithTimeout(l.RequestTimeout)
}

// boundedHTTPClient is the client of the S3 calls: the loaded client's
// transport (with any CA bundle) wrapped by transport.Wrap, which also
// caps response bodies and names the bound a request hit.
func boundedHTTPClient(ctx context.Context, c aws.HTTPClient) aws.HTTPClient {
	bc, ok := c.(*awshttp.BuildableClient)
	if !ok {
		return c
	}
	tr := bc.GetTransport()
	tr.ResponseHeaderTimeout = 0 // transport.Wrap's, with a clearer error
	return &http.Client{
		Transport:     transport.Wrap(ctx, tr),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

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
