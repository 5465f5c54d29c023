package rbac

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
)

// defaultsJSON holds the user-facing ClusterRoles every API server
// creates (cluster-admin, admin, edit, view), as the API server of the
// test environment serves them once its aggregation controller has run.
// The test that compares the model with that API server regenerates it
// with -update and fails when it is stale.
//
//go:embed defaults.json
var defaultsJSON []byte

// DefaultClusterRoles returns the API server's default user-facing
// ClusterRoles: copies the caller may change.
func DefaultClusterRoles() ([]*rbacv1.ClusterRole, error) {
	roles, err := decodedDefaults()
	if err != nil {
		return nil, err
	}
	out := make([]*rbacv1.ClusterRole, len(roles))
	for i, r := range roles {
		out[i] = r.DeepCopy()
	}
	return out, nil
}

// decodedDefaults decodes the embedded ClusterRoles once: every Set of a
// scan, and every object an admission webhook judges, needs them.
var decodedDefaults = sync.OnceValues(func() ([]*rbacv1.ClusterRole, error) {
	var out []*rbacv1.ClusterRole
	if err := json.Unmarshal(defaultsJSON, &out); err != nil {
		return nil, fmt.Errorf("decoding the default ClusterRoles: %w", err)
	}
	return out, nil
})

// AddDefaults adds the API server's default ClusterRoles that o does not
// declare, so that a binding to cluster-admin, admin, edit or view in a
// set of manifests grants what it grants in every cluster.
func (o *Objects) AddDefaults() {
	roles, err := DefaultClusterRoles()
	if err != nil {
		return // the embedded data is tested; nothing to add
	}
	declared := map[string]bool{}
	for _, cr := range o.ClusterRoles {
		declared[cr.Name] = true
	}
	for _, cr := range roles {
		if !declared[cr.Name] {
			o.ClusterRoles = append(o.ClusterRoles, cr)
		}
	}
}
