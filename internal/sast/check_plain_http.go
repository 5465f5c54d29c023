package sast

// FC-SAST-015 inspects http:// URLs in the string literals of Go code and
// in the lines of other code and configuration files (comments, XML
// namespace and schema declarations and license lines left out). It fires
// on a URL whose host is a domain name with a dot or a routable IP
// address. Allowed: https://, loopback and unspecified addresses
// (localhost, 127.0.0.0/8, ::1, 0.0.0.0), link-local addresses (cloud
// metadata), *.local, *.localhost, *.test, *.example, *.invalid,
// example.com/.org/.net, single-label hosts (cluster-internal service
// names), hosts that are templates (${HOST}, {{ .Host }}, %s), and the
// hosts of well-known identifiers (www.w3.org, schemas.xmlsoap.org,
// json-schema.org, purl.org, …).

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// identifierHosts serve URLs used as names (XML namespaces, schema and
// vocabulary IDs, licenses), not as endpoints.
var identifierHosts = set("www.w3.org", "w3.org", "schemas.xmlsoap.org", "schemas.openxmlformats.org",
	"schemas.microsoft.com", "schemas.android.com", "xmlns.com", "xmlns.jcp.org", "purl.org",
	"json-schema.org", "xml.apache.org", "maven.apache.org", "www.apache.org", "java.sun.com",
	"ns.adobe.com", "docs.oasis-open.org", "www.opengis.net", "relaxng.org", "schema.org",
	"opensource.org", "www.opensource.org", "creativecommons.org", "www.gnu.org", "ogp.me",
	"metadata.google.internal", "host.docker.internal", "www.example.com", "example.com", "example.org",
	"example.net", "www.example.org")

// plainHTTPHost returns the host of an http:// URL when the URL is a
// plain-HTTP endpoint on another machine, and false otherwise.
func plainHTTPHost(raw string) (string, bool) {
	if !strings.HasPrefix(strings.ToLower(raw), "http://") {
		return "", false
	}
	rest := raw[len("http://"):]
	if strings.ContainsAny(rest, "${}%<") {
		// A template: the host is filled in later.
		if end := strings.IndexAny(rest, "/?#"); end < 0 || strings.ContainsAny(rest[:end], "${}%<") {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" {
		return "", false
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() || ip.IsMulticast() {
			return "", false
		}
		return host, true
	}
	if !strings.Contains(host, ".") || identifierHosts[host] {
		return "", false
	}
	for _, suffix := range []string{".local", ".localhost", ".test", ".example", ".invalid", ".example.com",
		".example.org", ".example.net", ".localdomain", ".home.arpa"} {
		if strings.HasSuffix(host, suffix) {
			return "", false
		}
	}
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "", false
		}
	}
	return host, true
}

// redactURL drops a URL's user information, which may hold a password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("REDACTED")
	return u.String()
}

func checkPlainHTTP() urlCheck {
	return urlCheck{
		Meta: check.New(
			"FC-SAST-015",
			"Plain-HTTP endpoint",
			finding.SeverityLow,
			finding.LayerCode,
			"Requests to an http:// endpoint cross the network unencrypted and unauthenticated: anyone "+
				"on the path can read them and change the responses.",
			"Use https:// for the endpoint (terminate TLS at the service or a sidecar if it has none).",
			cwe(319),
		),
		Eval: func(r urlRef) []check.Violation {
			host, ok := plainHTTPHost(r.URL)
			if !ok {
				return nil
			}
			u := redactURL(r.URL)
			return []check.Violation{{
				Message:       fmt.Sprintf("URL %q talks to %s over plain HTTP; use TLS (https://)", u, host),
				Line:          r.Line,
				Discriminator: u,
			}}
		},
	}
}
