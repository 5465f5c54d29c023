package iac

// Inspects the statements of IAM policy documents (see FC-AWS-060):
// Effect, Action and Resource. Allowed: no Allow statement on Resource
// "*" with an action that is not read-only (Get*, List*, Describe*, …);
// Action "*" itself is FC-AWS-060's.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// readOnlyVerbs start the names of IAM actions that only read.
func readOnlyVerbs() []string {
	return []string{"Get", "List", "Describe", "Head", "View", "Read", "Search", "Lookup", "Query", "Scan", "BatchGet", "Select", "Filter"}
}

// writeAction reports whether an IAM action (possibly with wildcards) may
// change something.
func writeAction(a string) bool {
	_, verb, ok := strings.Cut(a, ":")
	if !ok {
		return a == "*"
	}
	for _, p := range readOnlyVerbs() {
		if strings.HasPrefix(verb, p) {
			return false
		}
	}
	return true
}

func checkIAMWriteAllResources() check.Check[*PolicyDocument] {
	return check.Check[*PolicyDocument]{
		Meta: cloud("FC-AWS-061", "IAM policy allows write actions on all resources", finding.SeverityHigh,
			"Write actions granted on Resource \"*\" reach every resource of those services in the account, far beyond what one workload needs. "+
				"High, as Trivy rates wildcard policies: a compromise of any holder can change or destroy every resource of those services.",
			"Scope the statement's Resource to the ARNs the principal must change.",
			ref("AWS IAM best practices: grant least privilege", "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"),
			avd("AVD-AWS-0057"), tfsec("aws", "iam", "no-policy-wildcards"),
			cwe(269)),
		Eval: func(p *PolicyDocument) []check.Violation {
			var out []check.Violation
			for i, s := range p.Statements {
				if !s.Effect.Is("Allow") || !s.Resources.Has("*") || s.Actions.Has("*", "*:*") {
					continue
				}
				var writes []string
				for _, a := range s.Actions.Strings() {
					if writeAction(a) {
						writes = append(writes, a)
					}
				}
				if len(writes) == 0 {
					continue
				}
				v := at(&p.Block, s.Resources.Range, "Statement", "statement %d of %s allows %s on Resource \"*\"", i+1, p.Address, strings.Join(writes, ", "))
				v.Discriminator = fmt.Sprint(i)
				out = append(out, v)
			}
			return out
		},
	}
}
