package kube

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
)

// bootstrapLabel marks the roles and bindings the API server creates
// itself; they are the platform's, not the user's, and are not judged.
const bootstrapLabel = "kubernetes.io/bootstrapping"

func bootstrapped(o *Object) bool {
	return o.Meta().GetLabels()[bootstrapLabel] == "rbac-defaults"
}

// rulesOf returns the rules of a Role or ClusterRole.
func rulesOf(o *Object) ([]rbacv1.PolicyRule, bool) {
	if bootstrapped(o) {
		return nil, false
	}
	switch t := o.Typed.(type) {
	case *rbacv1.Role:
		return t.Rules, true
	case *rbacv1.ClusterRole:
		return t.Rules, true
	}
	return nil, false
}

// bindingOf returns the role reference and subjects of a RoleBinding or
// ClusterRoleBinding.
func bindingOf(o *Object) (rbacv1.RoleRef, []rbacv1.Subject, bool) {
	if bootstrapped(o) {
		return rbacv1.RoleRef{}, nil, false
	}
	switch t := o.Typed.(type) {
	case *rbacv1.RoleBinding:
		return t.RoleRef, t.Subjects, true
	case *rbacv1.ClusterRoleBinding:
		return t.RoleRef, t.Subjects, true
	}
	return rbacv1.RoleRef{}, nil, false
}

// grants returns the verbs rule r allows, out of want, on resource res of
// API group group. Resources must be named explicitly (wildcards are
// FC-RBAC-001's concern); verbs and groups may be wildcards. want nil means
// any verb.
func grants(r rbacv1.PolicyRule, group, res string, want []string) []string {
	if !slices.Contains(r.Resources, res) {
		return nil
	}
	if !slices.Contains(r.APIGroups, group) && !slices.Contains(r.APIGroups, rbacv1.APIGroupAll) {
		return nil
	}
	if slices.Contains(r.Verbs, rbacv1.VerbAll) {
		return []string{rbacv1.VerbAll}
	}
	var out []string
	for _, v := range r.Verbs {
		if want == nil || slices.Contains(want, strings.ToLower(v)) {
			out = append(out, v)
		}
	}
	return out
}

// resourceRule is a sensitive resource of an API group.
type resourceRule struct{ group, resource string }

// ruleCheck builds a check that reports, per rule, the verbs it grants on
// any of the given resources.
func ruleCheck(m check.Meta, targets []resourceRule, verbs []string, what string) check.Check[*Object] {
	return check.Check[*Object]{
		Meta: m,
		Eval: func(o *Object) []check.Violation {
			rules, ok := rulesOf(o)
			if !ok {
				return nil
			}
			var out []check.Violation
			for i, r := range rules {
				for _, t := range targets {
					got := grants(r, t.group, t.resource, verbs)
					if len(got) == 0 {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("rule %d grants %s on %s%s", i, strings.Join(got, ", "), t.resource, what),
						Field:         fieldIndex("rules", i) + ".resources",
						Discriminator: fmt.Sprintf("%d/%s", i, t.resource),
					})
				}
			}
			return out
		},
	}
}

// subjectName formats a subject for messages.
func subjectName(s rbacv1.Subject, bindingNS string) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = bindingNS
		}
		return fmt.Sprintf("ServiceAccount %q", ns+"/"+s.Name)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

// bindingCheck builds a check that reports every subject of a binding for
// which bad returns a reason.
func bindingCheck(m check.Meta, bad func(rbacv1.RoleRef, rbacv1.Subject) string) check.Check[*Object] {
	return check.Check[*Object]{
		Meta: m,
		Eval: func(o *Object) []check.Violation {
			ref, subjects, ok := bindingOf(o)
			if !ok {
				return nil
			}
			var out []check.Violation
			for i, s := range subjects {
				why := bad(ref, s)
				if why == "" {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s binds %s %q to %s%s", o.Kind, ref.Kind, ref.Name, subjectName(s, o.Namespace), why),
					Field:         fieldIndex("subjects", i),
					Discriminator: s.Kind + "/" + s.Namespace + "/" + s.Name,
				})
			}
			return out
		},
	}
}
