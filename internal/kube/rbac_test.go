package kube

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRBACChecksResolveAggregation: a ClusterRole that aggregates another
// is reported for the rules it gains, at its aggregation rule; a rule
// limited to named objects is not "every object".
func TestRBACChecksResolveAggregation(t *testing.T) {
	s := NewScanner(Options{})
	type got struct{ ID, Resource, Message string }
	var all []got
	for _, f := range []string{
		"testdata/checks/FC-RBAC-002/fail/aggregated.yaml",
		"testdata/checks/FC-RBAC-002/pass/named-secret.yaml",
		"testdata/checks/FC-RBAC-010/fail/aggregated.yaml",
		"testdata/checks/FC-RBAC-010/pass/named-account.yaml",
	} {
		for _, fd := range evaluateFile(t, s, f) {
			if slices.Contains([]string{"FC-RBAC-002", "FC-RBAC-010"}, fd.CheckID) {
				all = append(all, got{fd.CheckID, fd.Resource.Kind + "/" + fd.Resource.Name, fd.Message})
			}
		}
	}
	want := []got{
		{"FC-RBAC-002", "ClusterRole/support", `rule 0 of ClusterRole "secret-viewer" (aggregated) grants list on secrets`},
		{"FC-RBAC-002", "ClusterRole/secret-viewer", "rule 0 grants list on secrets"},
		{"FC-RBAC-010", "ClusterRole/ops", `rule 0 of ClusterRole "token-minter" (aggregated) grants * on serviceaccounts/token (tokens for any service account)`},
		{"FC-RBAC-010", "ClusterRole/token-minter", "rule 0 grants * on serviceaccounts/token (tokens for any service account)"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
