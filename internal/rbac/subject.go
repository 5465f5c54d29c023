package rbac

import (
	"cmp"
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Subject is a user, group or service account, as RBAC bindings name them.
type Subject struct {
	// Kind is "User", "Group" or "ServiceAccount".
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Namespace is the service account's namespace; empty for users and
	// groups.
	Namespace string `json:"namespace,omitempty"`
	// Via lists, when a query returned the subject, the bindings that give
	// it the permission asked about, e.g.
	// `ClusterRoleBinding "ops" → ClusterRole "admin"`.
	Via []string `json:"via,omitempty"`
}

// String names the subject: `ServiceAccount "shop/api"`, `Group "devs"`.
func (s Subject) String() string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return fmt.Sprintf("ServiceAccount %q", s.Namespace+"/"+s.Name)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

type subjectKey struct{ kind, name, namespace string }

func (s Subject) key() subjectKey { return subjectKey{s.Kind, s.Name, s.Namespace} }

// ServiceAccount returns the subject of a service account.
func ServiceAccount(namespace, name string) Subject {
	return Subject{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: namespace}
}

// Identity returns the user name and groups the API server authenticates
// s as: a service account is the user system:serviceaccount:NS:NAME in
// system:serviceaccounts, system:serviceaccounts:NS and
// system:authenticated; a user is in system:authenticated. A group
// subject stands for any member: it has no user name.
func Identity(s Subject) (user string, groups []string) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return "system:serviceaccount:" + s.Namespace + ":" + s.Name,
			[]string{"system:serviceaccounts", "system:serviceaccounts:" + s.Namespace, "system:authenticated"}
	case rbacv1.UserKind:
		return s.Name, []string{"system:authenticated"}
	case rbacv1.GroupKind:
		return "", []string{s.Name}
	}
	return "", nil
}

// subjectOf normalises a binding's subject: a service account without a
// namespace is in the binding's namespace.
func subjectOf(bs rbacv1.Subject, bindingNS string) Subject {
	s := Subject{Kind: bs.Kind, Name: bs.Name}
	if bs.Kind == rbacv1.ServiceAccountKind {
		s.Namespace = cmp.Or(bs.Namespace, bindingNS)
	}
	return s
}

// appliesTo reports whether a binding's subject bs (of a binding in
// namespace bindingNS) names the identity user/groups, as the authorizer
// decides.
func appliesTo(bs rbacv1.Subject, bindingNS, user string, groups []string) bool {
	switch bs.Kind {
	case rbacv1.UserKind:
		return user != "" && bs.Name == user
	case rbacv1.GroupKind:
		return slices.Contains(groups, bs.Name)
	case rbacv1.ServiceAccountKind:
		ns := cmp.Or(bs.Namespace, bindingNS)
		return ns != "" && user != "" && user == "system:serviceaccount:"+ns+":"+bs.Name
	}
	return false
}

// sortSubjects orders users, then groups, then service accounts, each by
// namespace and name.
func sortSubjects(s []Subject) {
	order := map[string]int{rbacv1.UserKind: 0, rbacv1.GroupKind: 1, rbacv1.ServiceAccountKind: 2}
	slices.SortFunc(s, func(a, b Subject) int {
		return cmp.Or(cmp.Compare(order[a.Kind], order[b.Kind]), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
}
