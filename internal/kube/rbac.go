package kube

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/rbac"
)

// bootstrapLabel marks the roles and bindings the API server creates
// itself; they are the platform's, not the user's, and are not judged
// (they still grant what they grant in the RBAC model).
const bootstrapLabel = "kubernetes.io/bootstrapping"

func bootstrapped(o *Object) bool {
	return o.Meta().GetLabels()[bootstrapLabel] == "rbac-defaults"
}

// RBAC returns the RBAC model of the set: its Roles, ClusterRoles and
// bindings, with the API server's default ClusterRoles (cluster-admin,
// admin, edit, view and what they aggregate) for those it does not
// declare, aggregation rules resolved. Manifest checks, live checks,
// assets and who-can all ask this one model.
func (s *Set) RBAC() *rbac.Policy {
	s.policyOnce.Do(func() {
		var objs rbac.Objects
		for _, o := range s.Objects {
			objs.Add(o.Typed)
		}
		objs.AddDefaults()
		s.policy = rbac.New(objs)
	})
	return s.policy
}

// rulesOf returns the effective rules of a Role or ClusterRole: its own,
// and for a ClusterRole those its aggregation rule selects in the set.
func rulesOf(o *Object) ([]rbac.Rule, bool) {
	switch o.Typed.(type) {
	case *rbacv1.Role, *rbacv1.ClusterRole:
	default:
		return nil, false
	}
	if bootstrapped(o) {
		return nil, false
	}
	var policy *rbac.Policy
	if set := o.Set(); set != nil {
		policy = set.RBAC()
	} else {
		var objs rbac.Objects
		objs.Add(o.Typed)
		policy = rbac.New(objs)
	}
	switch o.Typed.(type) {
	case *rbacv1.Role:
		return policy.RoleRules(o.Namespace, o.Name), true
	case *rbacv1.ClusterRole:
		return policy.ClusterRoleRules(o.Name), true
	}
	return nil, false
}

// ruleLabel names a rule in messages: "rule 2", or `rule 0 of ClusterRole
// "x" (aggregated)`.
func ruleLabel(r rbac.Rule) string {
	if r.From == "" {
		return fmt.Sprintf("rule %d", r.Index)
	}
	return fmt.Sprintf("rule %d of ClusterRole %q (aggregated)", r.Index, r.From)
}

// ruleField is the field a finding on rule r points to: the rule's field,
// or the aggregation rule that brought it in.
func ruleField(r rbac.Rule, field string) string {
	if r.From != "" {
		return "aggregationRule"
	}
	return fieldIndex("rules", r.Index) + "." + field
}

// ruleKey discriminates findings on rule r.
func ruleKey(r rbac.Rule) string {
	if r.From == "" {
		return fmt.Sprint(r.Index)
	}
	return r.From + "/" + fmt.Sprint(r.Index)
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

// grants returns the verbs, out of want, that rule r allows on every
// object (any name) of resource t; "*" when it allows every verb. The
// resource must be named in the rule (wildcard resources are FC-RBAC-001's
// concern); a rule limited by resourceNames allows no verb on every
// object. want nil means any verb.
func grants(r rbacv1.PolicyRule, t resourceRule, want []string) []string {
	name := t.resource
	if t.subresource != "" {
		name += "/" + t.subresource
	}
	if !slices.Contains(r.Resources, name) {
		return nil
	}
	req := rbac.Request{Group: t.group, Resource: t.resource, Subresource: t.subresource, Verb: rbacv1.VerbAll}
	if rbac.Allows(r, req) {
		return []string{rbacv1.VerbAll}
	}
	var out []string
	for _, v := range r.Verbs {
		req.Verb = v
		if (want == nil || slices.Contains(want, v)) && rbac.Allows(r, req) {
			out = append(out, v)
		}
	}
	return out
}

// resourceRule is a sensitive resource of an API group.
type resourceRule struct{ group, resource, subresource string }

func (t resourceRule) String() string {
	if t.subresource != "" {
		return t.resource + "/" + t.subresource
	}
	return t.resource
}

// ruleCheck builds a check that reports, per effective rule, the verbs it
// grants on every object of any of the given resources.
func ruleCheck(m check.Meta, targets []resourceRule, verbs []string, what string) check.Check[*Object] {
	return check.Check[*Object]{
		Meta: m,
		Eval: func(o *Object) []check.Violation {
			rules, ok := rulesOf(o)
			if !ok {
				return nil
			}
			var out []check.Violation
			for _, r := range rules {
				for _, t := range targets {
					got := grants(r.PolicyRule, t, verbs)
					if len(got) == 0 {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s grants %s on %s%s", ruleLabel(r), strings.Join(got, ", "), t, what),
						Field:         ruleField(r, "resources"),
						Discriminator: ruleKey(r) + "/" + t.String(),
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
