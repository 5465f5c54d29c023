package cluster

// FC-LIVE-005 inspects the annotations of Secrets (metadata only): a
// Secret annotated kubernetes.io/service-account.name is a legacy,
// never-expiring service-account token and fails.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkLegacyTokenSecret() check.Check[SecretMeta] {
	return check.Check[SecretMeta]{
		Meta: meta("FC-LIVE-005", "Long-lived service account token Secret", finding.SeverityMedium,
			"A service-account token stored in a Secret never expires and is not bound to a pod: whoever reads it once keeps the account's access until the Secret is deleted.",
			"Delete the Secret and let pods use projected, short-lived tokens (or kubectl create token for people and CI).",
			finding.Reference{Source: "Kubernetes: legacy service account tokens", URL: "https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token"},
			finding.Reference{Source: "CWE-613"}),
		Eval: func(s SecretMeta) []check.Violation {
			sa := s.Annotations[corev1.ServiceAccountNameKey]
			if sa == "" {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("Secret %q holds a long-lived token of service account %q", s.Namespace+"/"+s.Name, s.Namespace+"/"+sa),
			}}
		},
	}
}
