package rbac

import (
	"cmp"
	"fmt"
	"iter"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Objects are the RBAC objects a Policy is built from. Add takes any
// typed object and keeps the four RBAC kinds.
type Objects struct {
	Roles               []*rbacv1.Role
	ClusterRoles        []*rbacv1.ClusterRole
	RoleBindings        []*rbacv1.RoleBinding
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
}

// Add keeps obj when it is a Role, ClusterRole, RoleBinding or
// ClusterRoleBinding, and reports whether it was.
func (o *Objects) Add(obj runtime.Object) bool {
	switch t := obj.(type) {
	case *rbacv1.Role:
		o.Roles = append(o.Roles, t)
	case *rbacv1.ClusterRole:
		o.ClusterRoles = append(o.ClusterRoles, t)
	case *rbacv1.RoleBinding:
		o.RoleBindings = append(o.RoleBindings, t)
	case *rbacv1.ClusterRoleBinding:
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, t)
	default:
		return false
	}
	return true
}

// Policy is the effective RBAC of a set of objects: every binding with its
// role's rules, ClusterRole aggregation resolved.
//
// A RoleBinding that names no namespace (a manifest left to `kubectl -n`)
// is kept under the namespace "": it applies to requests of namespace ""
// (those of the other objects of the same manifests), never to
// non-resource URLs.
type Policy struct {
	clusterRoles map[string]*rbacv1.ClusterRole
	roles        map[string]*rbacv1.Role // "namespace/name"
	bindings     []Binding
	// byNamespace indexes bindings by namespace ("" holds the
	// ClusterRoleBindings and the RoleBindings without a namespace).
	byNamespace map[string][]int
	aggregated  map[string][]Rule
}

// Binding is a RoleBinding or ClusterRoleBinding, normalised.
type Binding struct {
	// Kind is "RoleBinding" or "ClusterRoleBinding".
	Kind      string
	Name      string
	Namespace string // "" for a ClusterRoleBinding
	RoleRef   rbacv1.RoleRef
	Subjects  []rbacv1.Subject
	// Labels are the binding's labels.
	Labels map[string]string
}

// String names the binding and its role, e.g.
// `RoleBinding "shop/x" → Role "shop/y"`.
func (b Binding) String() string {
	name := b.Name
	if b.Namespace != "" {
		name = b.Namespace + "/" + name
	}
	role := b.RoleRef.Name
	if b.RoleRef.Kind == "Role" && b.Namespace != "" {
		role = b.Namespace + "/" + role
	}
	return fmt.Sprintf("%s %q → %s %q", b.Kind, name, b.RoleRef.Kind, role)
}

// cluster reports whether b is a ClusterRoleBinding.
func (b Binding) cluster() bool { return b.Kind == "ClusterRoleBinding" }

// Rule is a policy rule of a role, with where it comes from.
type Rule struct {
	rbacv1.PolicyRule
	// Index is the rule's position in the rules of the role it is
	// declared in.
	Index int
	// From names the ClusterRole the rule was aggregated from; empty for
	// the role's own rules.
	From string
}

// New indexes the Roles, ClusterRoles and bindings of objs and resolves
// ClusterRole aggregation.
func New(objs Objects) *Policy {
	p := &Policy{
		clusterRoles: map[string]*rbacv1.ClusterRole{},
		roles:        map[string]*rbacv1.Role{},
		aggregated:   map[string][]Rule{},
		byNamespace:  map[string][]int{},
	}
	for _, cr := range objs.ClusterRoles {
		p.clusterRoles[cr.Name] = cr
	}
	for _, r := range objs.Roles {
		p.roles[r.Namespace+"/"+r.Name] = r
	}
	for _, b := range objs.ClusterRoleBindings {
		p.bindings = append(p.bindings, Binding{"ClusterRoleBinding", b.Name, "", b.RoleRef, b.Subjects, b.Labels})
	}
	for _, b := range objs.RoleBindings {
		p.bindings = append(p.bindings, Binding{"RoleBinding", b.Name, b.Namespace, b.RoleRef, b.Subjects, b.Labels})
	}
	for i, b := range p.bindings {
		p.byNamespace[b.Namespace] = append(p.byNamespace[b.Namespace], i)
	}
	p.aggregate()
	return p
}

// ClusterRoleRules returns the rules of a ClusterRole with its aggregation
// rule resolved: its own rules and those of every ClusterRole its
// selectors match, transitively (roles that aggregate each other end up
// with the same rules), duplicates dropped. The API server's aggregation
// controller fills these in; a manifest, or a snapshot of a cluster
// without the controller, does not have them. Own rules are kept although
// the controller would overwrite them: the authorizer honours them until
// it does. Nil when the role does not exist.
func (p *Policy) ClusterRoleRules(name string) []Rule {
	if rules, ok := p.aggregated[name]; ok {
		return rules
	}
	if cr := p.clusterRoles[name]; cr != nil {
		return own(cr.Rules)
	}
	return nil
}

// RoleRules returns the rules of the Role namespace/name; nil when it does
// not exist.
func (p *Policy) RoleRules(namespace, name string) []Rule {
	if r := p.roles[namespace+"/"+name]; r != nil {
		return own(r.Rules)
	}
	return nil
}

// RefRules returns the rules of the role a binding in namespace ns
// references; nil when the role is missing or a ClusterRoleBinding
// references a Role.
func (p *Policy) RefRules(ref rbacv1.RoleRef, ns string, cluster bool) []Rule {
	switch ref.Kind {
	case "ClusterRole":
		return p.ClusterRoleRules(ref.Name)
	case "Role":
		if cluster {
			return nil
		}
		return p.RoleRules(ns, ref.Name)
	}
	return nil
}

func own(rules []rbacv1.PolicyRule) []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = Rule{PolicyRule: r, Index: i}
	}
	return out
}

// rules returns the rules a binding grants.
func (p *Policy) rules(b Binding) []Rule {
	return p.RefRules(b.RoleRef, b.Namespace, b.cluster())
}

// scope visits the bindings that can apply in namespace ns: every
// ClusterRoleBinding, and the RoleBindings of ns.
func (p *Policy) scope(ns string) iter.Seq[Binding] {
	return func(yield func(Binding) bool) {
		for _, i := range p.byNamespace[""] {
			if !yield(p.bindings[i]) {
				return
			}
		}
		if ns == "" {
			return
		}
		for _, i := range p.byNamespace[ns] {
			if !yield(p.bindings[i]) {
				return
			}
		}
	}
}

// grants reports whether binding b allows req.
func (p *Policy) grants(b Binding, req Request) bool {
	if !b.cluster() && (b.Namespace != req.Namespace || req.NonResource()) {
		return false
	}
	for _, rule := range p.rules(b) {
		if Allows(rule.PolicyRule, req) {
			return true
		}
	}
	return false
}

// binds reports whether binding b applies to s, directly or through the
// groups s is implicitly in.
func (p *Policy) binds(b Binding, s Subject) bool {
	user, groups := Identity(s)
	for _, bs := range b.Subjects {
		if appliesTo(bs, b.Namespace, user, groups) {
			return true
		}
	}
	return false
}

// Can reports whether s may do req, and through which bindings.
func (p *Policy) Can(s Subject, req Request) (bool, []string) {
	var via []string
	for b := range p.scope(req.Namespace) {
		if p.binds(b, s) && p.grants(b, req) {
			via = append(via, b.String())
		}
	}
	return len(via) > 0, via
}

// Grant is one rule a subject holds through one binding.
type Grant struct {
	// Namespace is where the rule applies; empty for every namespace and
	// cluster-scoped resources (a ClusterRoleBinding).
	Namespace string
	Rule      Rule
	// Binding is the binding that grants it.
	Binding Binding
	// Via is the binding and role, e.g. `RoleBinding "shop/x" → Role "shop/y"`.
	Via string
}

// Permissions returns every rule s holds, directly or through its groups,
// sorted by namespace and binding.
func (p *Policy) Permissions(s Subject) []Grant {
	var out []Grant
	for _, b := range p.bindings {
		if !p.binds(b, s) {
			continue
		}
		for _, rule := range p.rules(b) {
			out = append(out, Grant{Namespace: b.Namespace, Rule: rule, Binding: b, Via: b.String()})
		}
	}
	slices.SortStableFunc(out, func(a, b Grant) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Via, b.Via))
	})
	return out
}

// Subjects returns every subject some binding names, sorted (service
// accounts of RoleBindings that leave the namespace out get the binding's).
func (p *Policy) Subjects() []Subject {
	seen := map[subjectKey]bool{}
	var out []Subject
	for _, b := range p.bindings {
		for _, bs := range b.Subjects {
			s := subjectOf(bs, b.Namespace)
			if s.Name == "" || seen[s.key()] {
				continue
			}
			seen[s.key()] = true
			out = append(out, s)
		}
	}
	sortSubjects(out)
	return out
}

// WhoCan returns the subjects that bindings allow to do req, each with the
// bindings that allow it, sorted by kind, namespace and name. Groups are
// returned as groups: members of system:authenticated are not listed one
// by one.
func (p *Policy) WhoCan(req Request) []Subject {
	byKey := map[subjectKey]*Subject{}
	for b := range p.scope(req.Namespace) {
		if !p.grants(b, req) {
			continue
		}
		for _, bs := range b.Subjects {
			s := subjectOf(bs, b.Namespace)
			if s.Name == "" {
				continue
			}
			got, ok := byKey[s.key()]
			if !ok {
				got = &s
				byKey[s.key()] = got
			}
			if v := b.String(); !slices.Contains(got.Via, v) {
				got.Via = append(got.Via, v)
			}
		}
	}
	out := make([]Subject, 0, len(byKey))
	for _, s := range byKey {
		slices.Sort(s.Via)
		out = append(out, *s)
	}
	sortSubjects(out)
	return out
}

// BindingsOf returns the bindings that apply to s, directly or through
// its groups, whether or not their role exists.
func (p *Policy) BindingsOf(s Subject) []Binding {
	var out []Binding
	for _, b := range p.bindings {
		if p.binds(b, s) {
			out = append(out, b)
		}
	}
	return out
}
