package rbac_test

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/rbac"
)

// A Role that may read one named Secret is not "can read secrets": only a
// request naming that Secret is allowed.
func Example() {
	var objs rbac.Objects
	objs.Add(&rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "tls-reader", Namespace: "shop"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"api-tls"}, Verbs: []string{"get"}}},
	})
	objs.Add(&rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "shop"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "tls-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "api"}},
	})
	p := rbac.New(objs)
	api := rbac.ServiceAccount("shop", "api")
	for _, name := range []string{"api-tls", "db-password", ""} {
		ok, via := p.Can(api, rbac.Request{Verb: "get", Resource: "secrets", Name: name, Namespace: "shop"})
		fmt.Printf("get secret %q: %v %v\n", name, ok, via)
	}
	// Output:
	// get secret "api-tls": true [RoleBinding "shop/api" → Role "shop/tls-reader"]
	// get secret "db-password": false []
	// get secret "": false []
}
