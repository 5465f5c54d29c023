package rbac

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

// FuzzParseResource checks that any resource notation parses without
// panicking into a request whose parts put back together give the input.
func FuzzParseResource(f *testing.F) {
	for _, s := range []string{"pods", "pods/exec", "deployments.apps", "deployments.apps/scale", "widgets", "/metrics", "", ".", "/", "a.b.c/d/e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		req := ParseResource(s)
		back := req.Resource
		if !strings.HasPrefix(s, "/") {
			head, _, slash := strings.Cut(s, "/")
			if strings.Contains(head, ".") {
				back += "." + req.Group
			} else if _, builtin := builtinGroups[req.Resource]; req.AnyGroup == builtin {
				t.Errorf("ParseResource(%q): AnyGroup %v for a resource named without a group", s, req.AnyGroup)
			}
			if slash {
				back += "/" + req.Subresource
			}
		}
		if back != s {
			t.Errorf("ParseResource(%q) = %+v, which reads back as %q", s, req, back)
		}
		// Matching a parsed request against a wildcard rule never panics.
		_ = Allows(rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}, NonResourceURLs: []string{"/a*"}, ResourceNames: []string{s}}, req)
	})
}
