package objectstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrorKind says why a scan could not talk to an endpoint at all.
type ErrorKind int

// The kinds of [EndpointError].
const (
	// ErrConfig: the options or the AWS configuration (profile, shared
	// files) are unusable.
	ErrConfig ErrorKind = iota + 1
	// ErrUnreachable: no answer from the endpoint (refused, DNS, timeout).
	ErrUnreachable
	// ErrCredentials: no credentials, or the endpoint rejected them
	// (unknown key, bad signature, expired token).
	ErrCredentials
	// ErrAccessDenied: the credentials are valid but may not list buckets.
	ErrAccessDenied
	// ErrResponse: the endpoint answered, but not as an S3 endpoint would.
	ErrResponse
)

// String describes the kind in a few words.
func (k ErrorKind) String() string {
	switch k {
	case ErrConfig:
		return "configuration"
	case ErrUnreachable:
		return "unreachable"
	case ErrCredentials:
		return "credentials rejected"
	case ErrAccessDenied:
		return "access denied"
	case ErrResponse:
		return "unexpected response"
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// EndpointError is returned by [Scan] when it cannot audit the endpoint at
// all. Its message is one line naming the endpoint; Err is the cause.
type EndpointError struct {
	// Endpoint is the endpoint as the user gave it, or a description of
	// the default AWS one.
	Endpoint string
	Kind     ErrorKind
	// Detail is the short cause shown to a person.
	Detail string
	Err    error
}

// Error returns `s3 endpoint "URL": <kind>: <detail>`.
func (e *EndpointError) Error() string {
	return fmt.Sprintf("s3 endpoint %q: %s: %s", e.Endpoint, e.Kind, e.Detail)
}

// Unwrap returns the cause.
func (e *EndpointError) Unwrap() error { return e.Err }

// credentialCodes are the API error codes that mean the endpoint rejected
// the credentials themselves, whatever the request.
func credentialCodes() []string {
	return []string{
		"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
		"InvalidToken", "TokenRefreshRequired", "InvalidClientTokenId", "RequestTimeTooSkewed",
		"AuthorizationHeaderMalformed", "InvalidSecurity",
	}
}

// endpointFailure reports whether err means the endpoint cannot be used at
// all (unreachable, credentials rejected), and why.
func endpointFailure(err error) (ErrorKind, string, bool) {
	if err == nil {
		return 0, "", false
	}
	if kind, detail, ok := boundFailure(err); ok {
		return kind, detail, true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && slices.Contains(credentialCodes(), ae.ErrorCode()) {
		return ErrCredentials, apiDetail(ae), true
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return ErrUnreachable, netDetail(send.Err), true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrUnreachable, "no answer before the deadline", true
	}
	return 0, "", false
}

// netDetail returns the innermost useful part of a transport error, e.g.
// "dial tcp 127.0.0.1:1: connect: connection refused".
func netDetail(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return oneLine(op.Error())
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return oneLine(dns.Error())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return oneLine(ue.Err.Error())
	}
	return oneLine(err.Error())
}

// apiCode returns the API error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// apiDetail formats an API error as "Code: message".
func apiDetail(ae smithy.APIError) string {
	if m := ae.ErrorMessage(); m != "" {
		return oneLine(ae.ErrorCode() + ": " + m)
	}
	return ae.ErrorCode()
}

// httpStatus returns the HTTP status of a response error, or 0.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// describe returns a short, one-line cause of a failed call.
func describe(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if s := httpStatus(err); s != 0 {
			return fmt.Sprintf("%s (HTTP %d)", apiDetail(ae), s)
		}
		return apiDetail(ae)
	}
	if s := httpStatus(err); s != 0 {
		return fmt.Sprintf("HTTP %d", s)
	}
	return oneLine(err.Error())
}

// classify turns the error of one Get* call into a setting status.
func classify(err error) (Status, string) {
	code, status := apiCode(err), httpStatus(err)
	switch {
	case code == "NotImplemented" || status == 501:
		return NotImplemented, describe(err)
	case code == "AccessDenied" || code == "AllAccessDisabled" || status == 403:
		return Denied, describe(err)
	}
	return Failed, describe(err)
}

// oneLine joins a message's lines and bounds its length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 300)
}
