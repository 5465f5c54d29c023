package kube

// FC-NET-005 inspects spec.tls and spec.rules[*].host of Ingresses: an
// Ingress without spec.tls fails, and so does each rule host that no
// spec.tls[*].hosts entry covers (exactly or by a one-label wildcard).

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// tlsCovers reports whether a TLS host entry covers host.
func tlsCovers(entry, host string) bool {
	entry, host = strings.ToLower(entry), strings.ToLower(host)
	if entry == host {
		return true
	}
	if rest, ok := strings.CutPrefix(entry, "*."); ok {
		i := strings.IndexByte(host, '.')
		return i > 0 && host[i+1:] == rest
	}
	return false
}

func checkIngressTLS() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-NET-005", "Ingress serves traffic without TLS", finding.SeverityMedium,
			"Without TLS, credentials, session cookies and data travel in clear text between clients and the cluster.",
			"Add a spec.tls entry with a certificate secret for every host (cert-manager can issue them).",
			ref("CWE-319"), refNSA()),
		Eval: func(o *Object) []check.Violation {
			ing, ok := o.Typed.(*networkingv1.Ingress)
			if !ok {
				return nil
			}
			if len(ing.Spec.TLS) == 0 {
				return []check.Violation{{Message: fmt.Sprintf("%s has no spec.tls: every host is served over plain HTTP", o), Field: "spec.tls"}}
			}
			var out []check.Violation
			for i, r := range ing.Spec.Rules {
				if r.Host == "" {
					continue
				}
				covered := false
				for _, t := range ing.Spec.TLS {
					for _, h := range t.Hosts {
						covered = covered || tlsCovers(h, r.Host)
					}
				}
				if !covered {
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("host %q is not covered by any spec.tls entry", r.Host),
						Field:         fieldIndex("spec.rules", i) + ".host",
						Discriminator: r.Host,
					})
				}
			}
			return out
		},
	}
}
