package probe

// The anonymous-access checks send requests without any credentials (and
// without verifying the server, which the TLS checks judge): to the API
// server's /api and /api/v1/namespaces/kube-system/secrets, and to a
// kubelet's /pods. 401 passes. 403 means anonymous authentication is on
// and only authorization refused (FC-CIS-120, FC-CIS-123); 200 means the
// data was served (FC-CIS-121, FC-CIS-122). Response bodies are never read.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport"
)

// anonymousStatus GETs path on e without credentials and returns the
// status code. The request is bounded by the network limits of ctx, and
// the wait for its headers by timeout too.
func anonymousStatus(ctx context.Context, e endpoint, path string, timeout time.Duration) (int, error) {
	l := limits.From(ctx)
	l.HeaderTimeout = min(l.HeaderTimeout, timeout)
	tr := transport.New(limits.With(ctx, l), &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) // #nosec G402 -- only the status is read
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url()+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the skipped entry's path
		}
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func probeAnonymousAPIServer(ctx context.Context, e endpoint, opts Options) ([]finding.Finding, []finding.Skipped) {
	var served, refused []string
	for _, p := range []string{"/api", "/api/v1/namespaces/kube-system/secrets?limit=1"} {
		code, err := anonymousStatus(ctx, e, p, opts.Timeout)
		if err != nil {
			return nil, []finding.Skipped{{Path: e.url() + p, Scanner: ScannerName, Reason: "anonymous request: " + err.Error()}}
		}
		switch code {
		case http.StatusOK:
			served = append(served, p)
		case http.StatusForbidden:
			refused = append(refused, p)
		}
	}
	res, loc := e.resource(), finding.Location{Object: e.url()}
	var out []finding.Finding
	if len(served) > 0 {
		out = append(out, metaAnonAPI.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("kube-apiserver at %s answered an anonymous GET of %s with 200 OK", e.addr(), strings.Join(served, " and ")),
		}))
	} else if len(refused) > 0 {
		out = append(out, metaAnonAuthn.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("kube-apiserver at %s authenticated an anonymous GET of %s as system:anonymous (403 Forbidden, not 401)", e.addr(), refused[0]),
		}))
	}
	return out, nil
}

func probeAnonymousKubelet(ctx context.Context, e endpoint, opts Options) ([]finding.Finding, []finding.Skipped) {
	code, err := anonymousStatus(ctx, e, "/pods", opts.Timeout)
	if err != nil {
		return nil, []finding.Skipped{{Path: e.url() + "/pods", Scanner: ScannerName, Reason: "anonymous request: " + err.Error()}}
	}
	res, loc := e.resource(), finding.Location{Object: e.url()}
	switch code {
	case http.StatusOK:
		return []finding.Finding{metaAnonKubelet.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("kubelet at %s answered an anonymous GET of /pods with 200 OK", e.addr()),
		})}, nil
	case http.StatusForbidden:
		return []finding.Finding{metaAnonKubeletAuthn.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("kubelet at %s authenticated an anonymous GET of /pods as system:anonymous (403 Forbidden, not 401)", e.addr()),
		})}, nil
	}
	return nil, nil
}
