package cluster

// FC-LIVE-006 inspects the kubectl.kubernetes.io/last-applied-configuration
// annotation of Secrets (metadata only): one whose content has a non-empty
// data or stringData field fails. fourc drops the annotation on receipt
// and keeps only this yes/no.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkSecretLastApplied() check.Check[SecretMeta] {
	return check.Check[SecretMeta]{
		Meta: meta("FC-LIVE-006", "Secret's value is copied into an annotation", finding.SeverityMedium,
			"kubectl apply copied the Secret's data into its last-applied-configuration annotation, which tools treat as harmless metadata: kubectl describe prints it, metadata-only clients and monitoring that export annotations copy it.",
			"Re-create the Secret with kubectl create secret, server-side apply (kubectl apply --server-side) or your secret manager, so that the annotation holds no data.",
			finding.Reference{Source: "CWE-312"}),
		Eval: func(s SecretMeta) []check.Violation {
			if !s.LastAppliedData {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("Secret %q carries its data in annotation kubectl.kubernetes.io/last-applied-configuration", s.Namespace+"/"+s.Name),
			}}
		},
	}
}
