package cluster

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/fourc-dev/fourc/internal/kube"
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

// Request is an action to authorise, as the API server's RBAC authorizer
// sees it.
type Request struct {
	// Verb is "get", "list", "create", …; "*" asks for every verb.
	Verb string
	// Group, Resource and Subresource name a resource ("", "pods",
	// "exec"); "*" in Group or Resource asks for all of them. A Resource
	// starting with "/" is a non-resource URL such as "/metrics".
	Group, Resource, Subresource string
	// AnyGroup matches rules of any API group that list Resource (for a
	// resource named without its group).
	AnyGroup bool
	// Namespace is where; empty means cluster-wide (every namespace, or a
	// cluster-scoped resource): only ClusterRoleBindings grant that.
	Namespace string
}

// ParseResource reads kubectl's resource notation into a request (verb
// and namespace left empty): "pods", "deployments.apps", "pods/exec",
// "/metrics". A resource without a group takes the group of the built-in
// resource of that name, or, when no built-in resource has that name,
// matches rules of any group (AnyGroup).
func ParseResource(s string) Request {
	if strings.HasPrefix(s, "/") {
		return Request{Resource: s}
	}
	var req Request
	req.Resource = s
	if i := strings.IndexByte(req.Resource, '/'); i >= 0 {
		req.Resource, req.Subresource = req.Resource[:i], req.Resource[i+1:]
	}
	if i := strings.IndexByte(req.Resource, '.'); i >= 0 {
		req.Resource, req.Group = req.Resource[:i], req.Resource[i+1:]
		return req
	}
	if g, ok := builtinGroups[req.Resource]; ok {
		req.Group = g
	} else {
		req.AnyGroup = true
	}
	return req
}

// builtinGroups maps the built-in resources whose name is unambiguous to
// their API group.
var builtinGroups = map[string]string{
	"pods": "", "services": "", "secrets": "", "configmaps": "", "serviceaccounts": "", "namespaces": "",
	"nodes": "", "persistentvolumes": "", "persistentvolumeclaims": "", "endpoints": "", "events": "",
	"replicationcontrollers": "", "resourcequotas": "", "limitranges": "", "podtemplates": "",
	"deployments": "apps", "statefulsets": "apps", "daemonsets": "apps", "replicasets": "apps", "controllerrevisions": "apps",
	"jobs": "batch", "cronjobs": "batch",
	"roles": rbacv1.GroupName, "clusterroles": rbacv1.GroupName, "rolebindings": rbacv1.GroupName, "clusterrolebindings": rbacv1.GroupName,
	"networkpolicies": "networking.k8s.io", "ingresses": "networking.k8s.io", "ingressclasses": "networking.k8s.io",
	"customresourcedefinitions": "apiextensions.k8s.io", "storageclasses": "storage.k8s.io",
	"validatingwebhookconfigurations": "admissionregistration.k8s.io", "mutatingwebhookconfigurations": "admissionregistration.k8s.io",
	"validatingadmissionpolicies": "admissionregistration.k8s.io", "validatingadmissionpolicybindings": "admissionregistration.k8s.io",
	"certificatesigningrequests": "certificates.k8s.io", "leases": "coordination.k8s.io",
	"poddisruptionbudgets": "policy", "horizontalpodautoscalers": "autoscaling", "priorityclasses": "scheduling.k8s.io",
	"tokenreviews": "authentication.k8s.io", "subjectaccessreviews": "authorization.k8s.io", "runtimeclasses": "node.k8s.io",
}

// RBAC is the effective RBAC of a set of objects: every binding with its
// role's rules, ClusterRole aggregation resolved. It answers who can do
// what, as the API server's RBAC authorizer would (other authorizers,
// such as Node or webhooks, are not modelled).
type RBAC struct {
	clusterRoles map[string]*rbacv1.ClusterRole
	roles        map[string]*rbacv1.Role // "namespace/name"
	bindings     []binding
	// byNamespace indexes bindings by namespace ("" for
	// ClusterRoleBindings).
	byNamespace map[string][]int
	aggregated  map[string][]rbacv1.PolicyRule
}

// scope visits the bindings that can apply in namespace ns: every
// ClusterRoleBinding, and the RoleBindings of ns.
func (r *RBAC) scope(ns string) iter.Seq[binding] {
	return func(yield func(binding) bool) {
		for _, i := range r.byNamespace[""] {
			if !yield(r.bindings[i]) {
				return
			}
		}
		if ns == "" {
			return
		}
		for _, i := range r.byNamespace[ns] {
			if !yield(r.bindings[i]) {
				return
			}
		}
	}
}

// binding is a RoleBinding or ClusterRoleBinding, normalised.
type binding struct {
	kind      string // "RoleBinding" or "ClusterRoleBinding"
	name      string
	namespace string // "" for a ClusterRoleBinding
	roleRef   rbacv1.RoleRef
	subjects  []rbacv1.Subject
}

func (b binding) String() string {
	name := b.name
	if b.namespace != "" {
		name = b.namespace + "/" + name
	}
	role := b.roleRef.Name
	if b.roleRef.Kind == "Role" {
		role = b.namespace + "/" + role
	}
	return fmt.Sprintf("%s %q → %s %q", b.kind, name, b.roleRef.Kind, role)
}

// NewRBAC indexes the Roles, ClusterRoles and bindings of set.
func NewRBAC(set *kube.Set) *RBAC {
	r := &RBAC{
		clusterRoles: map[string]*rbacv1.ClusterRole{},
		roles:        map[string]*rbacv1.Role{},
		aggregated:   map[string][]rbacv1.PolicyRule{},
		byNamespace:  map[string][]int{},
	}
	if set == nil {
		return r
	}
	for _, o := range set.Objects {
		switch t := o.Typed.(type) {
		case *rbacv1.ClusterRole:
			r.clusterRoles[t.Name] = t
		case *rbacv1.Role:
			r.roles[o.Namespace+"/"+t.Name] = t
		case *rbacv1.ClusterRoleBinding:
			r.bindings = append(r.bindings, binding{"ClusterRoleBinding", t.Name, "", t.RoleRef, t.Subjects})
		case *rbacv1.RoleBinding:
			r.bindings = append(r.bindings, binding{"RoleBinding", t.Name, o.Namespace, t.RoleRef, t.Subjects})
		}
	}
	for i, b := range r.bindings {
		r.byNamespace[b.namespace] = append(r.byNamespace[b.namespace], i)
	}
	r.aggregate()
	return r
}

// ClusterRoleRules returns the rules of a ClusterRole with its aggregation
// rule resolved: its own rules and those of every ClusterRole its
// selectors match, transitively (roles that aggregate each other end up
// with the same rules). The API server's aggregation controller fills
// these in; a snapshot of a cluster without it, or a manifest, does not
// have them. Own rules are kept although the controller would overwrite
// them: the authorizer honours them until it does.
func (r *RBAC) ClusterRoleRules(name string) []rbacv1.PolicyRule {
	if rules, ok := r.aggregated[name]; ok {
		return rules
	}
	if cr := r.clusterRoles[name]; cr != nil {
		return cr.Rules
	}
	return nil
}

// aggregate resolves every aggregation rule to a fixed point: each pass
// adds to each aggregated role the current rules of the roles it selects,
// until a pass adds nothing.
func (r *RBAC) aggregate() {
	type agg struct {
		name string
		sels []labels.Selector
	}
	var aggs []agg
	names := make([]string, 0, len(r.clusterRoles))
	for n := range r.clusterRoles {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		cr := r.clusterRoles[n]
		if cr.AggregationRule == nil {
			continue
		}
		a := agg{name: n}
		for _, ls := range cr.AggregationRule.ClusterRoleSelectors {
			if s, err := metav1.LabelSelectorAsSelector(&ls); err == nil && !s.Empty() {
				a.sels = append(a.sels, s)
			}
		}
		aggs = append(aggs, a)
		r.aggregated[n] = slices.Clone(cr.Rules)
	}
	for changed := true; changed; {
		changed = false
		for _, a := range aggs {
			rules := r.aggregated[a.name]
			for _, n := range names {
				other := r.clusterRoles[n]
				if n == a.name || !slices.ContainsFunc(a.sels, func(s labels.Selector) bool { return s.Matches(labels.Set(other.Labels)) }) {
					continue
				}
				for _, rule := range r.ClusterRoleRules(n) {
					if !slices.ContainsFunc(rules, func(x rbacv1.PolicyRule) bool { return equalRule(x, rule) }) {
						rules = append(rules, rule)
						changed = true
					}
				}
			}
			r.aggregated[a.name] = rules
		}
	}
}

func equalRule(a, b rbacv1.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

// rules returns the rules a binding grants; nil when its role is missing.
func (r *RBAC) rules(b binding) []rbacv1.PolicyRule {
	switch b.roleRef.Kind {
	case "ClusterRole":
		return r.ClusterRoleRules(b.roleRef.Name)
	case "Role":
		if b.namespace == "" {
			return nil // a ClusterRoleBinding cannot reference a Role
		}
		if role := r.roles[b.namespace+"/"+b.roleRef.Name]; role != nil {
			return role.Rules
		}
	}
	return nil
}

// Grant is one rule a subject holds through one binding.
type Grant struct {
	// Namespace is where the rule applies; empty for every namespace and
	// cluster-scoped resources (a ClusterRoleBinding).
	Namespace string
	Rule      rbacv1.PolicyRule
	// Via is the binding and role, e.g. `RoleBinding "shop/x" → Role "shop/y"`.
	Via string
}

// Permissions returns every rule s holds, directly or through its groups
// (a service account is also in system:serviceaccounts,
// system:serviceaccounts:<namespace> and system:authenticated; a user in
// system:authenticated), sorted by namespace and binding.
func (r *RBAC) Permissions(s Subject) []Grant {
	var out []Grant
	for _, b := range r.bindings {
		if !r.binds(b, s) {
			continue
		}
		for _, rule := range r.rules(b) {
			out = append(out, Grant{Namespace: b.namespace, Rule: rule, Via: b.String()})
		}
	}
	slices.SortStableFunc(out, func(a, b Grant) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Via, b.Via))
	})
	return out
}

// Subjects returns every subject some binding names, sorted (service
// accounts of RoleBindings that leave the namespace out get the binding's).
func (r *RBAC) Subjects() []Subject {
	seen := map[subjectKey]bool{}
	var out []Subject
	for _, b := range r.bindings {
		for _, bs := range b.subjects {
			s := subjectOf(bs, b.namespace)
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

// Can reports whether s may do req, and through which bindings.
func (r *RBAC) Can(s Subject, req Request) (bool, []string) {
	var via []string
	for b := range r.scope(req.Namespace) {
		if !r.binds(b, s) || !r.grants(b, req) {
			continue
		}
		via = append(via, b.String())
	}
	return len(via) > 0, via
}

// WhoCan returns the subjects that bindings allow to do req, each with the
// bindings that allow it, sorted by kind, namespace and name. Groups are
// returned as groups: members of system:authenticated are not listed one
// by one.
func (r *RBAC) WhoCan(req Request) []Subject {
	byKey := map[subjectKey]*Subject{}
	for b := range r.scope(req.Namespace) {
		if !r.grants(b, req) {
			continue
		}
		for _, bs := range b.subjects {
			s := subjectOf(bs, b.namespace)
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

// WhoCan answers `fourc k8s who-can VERB RESOURCE [-n NAMESPACE]` on a
// snapshot: resource in kubectl's notation (see [ParseResource]),
// namespace empty for cluster-wide.
func WhoCan(snap *Snapshot, verb, resource, namespace string) []Subject {
	req := ParseResource(resource)
	req.Verb, req.Namespace = verb, namespace
	return NewRBAC(snap.Set).WhoCan(req)
}

func sortSubjects(s []Subject) {
	order := map[string]int{"User": 0, "Group": 1, rbacv1.ServiceAccountKind: 2}
	slices.SortFunc(s, func(a, b Subject) int {
		return cmp.Or(cmp.Compare(order[a.Kind], order[b.Kind]), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
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

// binds reports whether binding b applies to s, directly or through the
// groups s is implicitly in.
func (r *RBAC) binds(b binding, s Subject) bool {
	user, groups := identity(s)
	for _, bs := range b.subjects {
		switch bs.Kind {
		case rbacv1.UserKind:
			if user != "" && bs.Name == user {
				return true
			}
		case rbacv1.GroupKind:
			if slices.Contains(groups, bs.Name) {
				return true
			}
		case rbacv1.ServiceAccountKind:
			if s.Kind == rbacv1.ServiceAccountKind && bs.Name == s.Name && cmp.Or(bs.Namespace, b.namespace) == s.Namespace {
				return true
			}
		}
	}
	return false
}

// identity returns the user name and groups the API server would see for
// s. A group subject stands for any member: it has no user name.
func identity(s Subject) (user string, groups []string) {
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

// grants reports whether binding b allows req, wherever it applies.
func (r *RBAC) grants(b binding, req Request) bool {
	if b.namespace != "" && b.namespace != req.Namespace {
		return false
	}
	nonResource := strings.HasPrefix(req.Resource, "/")
	if nonResource && b.namespace != "" {
		return false // only ClusterRoleBindings grant non-resource URLs
	}
	for _, rule := range r.rules(b) {
		if nonResource && ruleAllowsURL(rule, req) || !nonResource && ruleAllows(rule, req) {
			return true
		}
	}
	return false
}

// ruleAllows matches a resource request like the RBAC authorizer. A rule
// limited to resourceNames does not allow acting on any object of the
// kind, so it does not match.
func ruleAllows(rule rbacv1.PolicyRule, req Request) bool {
	if len(rule.ResourceNames) > 0 {
		return false
	}
	if !slices.Contains(rule.Verbs, rbacv1.VerbAll) && !slices.Contains(rule.Verbs, req.Verb) {
		return false
	}
	if !req.AnyGroup && !slices.Contains(rule.APIGroups, rbacv1.APIGroupAll) && !slices.Contains(rule.APIGroups, req.Group) {
		return false
	}
	want := req.Resource
	if req.Subresource != "" {
		want += "/" + req.Subresource
	}
	for _, res := range rule.Resources {
		if res == rbacv1.ResourceAll || res == want || req.Subresource != "" && res == "*/"+req.Subresource {
			return true
		}
	}
	return false
}

// ruleAllowsURL matches a non-resource request: an exact URL, or a prefix
// ending in "*".
func ruleAllowsURL(rule rbacv1.PolicyRule, req Request) bool {
	if !slices.Contains(rule.Verbs, rbacv1.VerbAll) && !slices.Contains(rule.Verbs, req.Verb) {
		return false
	}
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == req.Resource || strings.HasSuffix(u, "*") && strings.HasPrefix(req.Resource, strings.TrimSuffix(u, "*")) {
			return true
		}
	}
	return false
}
