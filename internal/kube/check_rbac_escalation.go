package kube

// FC-RBAC-003 inspects the verbs of the effective rules of Roles and
// ClusterRoles (aggregated rules included): bind, escalate or impersonate
// fails, whatever the resource. Verbs match case-sensitively, as the API
// server's authorizer matches them.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRBACEscalation() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-RBAC-003", "Role grants privilege escalation verbs", finding.SeverityHigh,
			"bind and escalate let a subject grant itself permissions it does not hold; impersonate lets it act as any user, group or service account.",
			"Remove bind, escalate and impersonate, or restrict them with resourceNames to what is strictly needed.",
			ref("CIS Kubernetes 5.1.8"), ref("CWE-269")),
		Eval: func(o *Object) []check.Violation {
			rules, ok := rulesOf(o)
			if !ok {
				return nil
			}
			var out []check.Violation
			for _, r := range rules {
				var got []string
				for _, v := range r.Verbs {
					if slices.Contains([]string{"bind", "escalate", "impersonate"}, v) {
						got = append(got, v)
					}
				}
				if len(got) == 0 {
					continue
				}
				on := strings.Join(r.Resources, ", ")
				if on == "" {
					on = "no resources"
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s grants %s on %s", ruleLabel(r), strings.Join(got, ", "), on),
					Field:         ruleField(r, "verbs"),
					Discriminator: ruleKey(r),
				})
			}
			return out
		},
	}
}
