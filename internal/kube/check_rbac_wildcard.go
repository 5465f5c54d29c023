package kube

// FC-RBAC-001 inspects the verbs, resources, apiGroups and nonResourceURLs
// of the effective rules of Roles and ClusterRoles (aggregated rules
// included): "*" in any of them fails.
// Bootstrap roles (kubernetes.io/bootstrapping=rbac-defaults) are skipped.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACWildcard() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-RBAC-001", "Role grants wildcard permissions", finding.SeverityHigh,
			"A \"*\" grants every current and future verb, resource or API group, including secrets, exec and escalation paths nobody reviewed.",
			"Replace \"*\" with the explicit verbs, resources and API groups the subject needs.",
			ref("CIS Kubernetes 5.1.3"), refNSA(), ref("CWE-269")),
		Eval: func(o *Object) []check.Violation {
			rules, ok := rulesOf(o)
			if !ok {
				return nil
			}
			var out []check.Violation
			for _, r := range rules {
				var in []string
				field := ""
				for _, f := range []struct {
					name   string
					values []string
				}{{"verbs", r.Verbs}, {"resources", r.Resources}, {"apiGroups", r.APIGroups}, {"nonResourceURLs", r.NonResourceURLs}} {
					if slices.Contains(f.values, "*") {
						in = append(in, f.name)
						if field == "" {
							field = ruleField(r, f.name)
						}
					}
				}
				if len(in) == 0 {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s grants \"*\" in %s", ruleLabel(r), strings.Join(in, ", ")),
					Field:         field,
					Discriminator: ruleKey(r),
				})
			}
			return out
		},
	}
}
