package rbac

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Request is an action to authorise, as the API server's RBAC authorizer
// sees it.
type Request struct {
	// Verb is "get", "list", "create", …; "*" asks for every verb (only a
	// rule granting "*" allows it).
	Verb string
	// Group, Resource and Subresource name a resource ("", "pods",
	// "exec"); "*" in Group or Resource asks for all of them. A Resource
	// starting with "/" is a non-resource URL such as "/metrics".
	Group, Resource, Subresource string
	// AnyGroup matches rules of any API group that list Resource (for a
	// resource named without its group).
	AnyGroup bool
	// Name is the object acted on, empty for any object (list, watch,
	// create of the collection): a rule limited by resourceNames allows
	// only the names it lists.
	Name string
	// Namespace is where; empty means cluster-wide (every namespace, or a
	// cluster-scoped resource): only ClusterRoleBindings grant that.
	Namespace string
}

// NonResource reports whether req is for a non-resource URL.
func (req Request) NonResource() bool { return strings.HasPrefix(req.Resource, "/") }

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

// Allows reports whether one rule allows req, by the authorizer's rules
// (the binding's scope aside: see [Policy.Can]).
func Allows(rule rbacv1.PolicyRule, req Request) bool {
	if !verbMatches(rule, req.Verb) {
		return false
	}
	if req.NonResource() {
		return urlMatches(rule, req.Resource)
	}
	return groupMatches(rule, req) && resourceMatches(rule, req) && nameMatches(rule, req.Name)
}

func verbMatches(rule rbacv1.PolicyRule, verb string) bool {
	return slices.Contains(rule.Verbs, rbacv1.VerbAll) || slices.Contains(rule.Verbs, verb)
}

func groupMatches(rule rbacv1.PolicyRule, req Request) bool {
	return req.AnyGroup || slices.Contains(rule.APIGroups, rbacv1.APIGroupAll) || slices.Contains(rule.APIGroups, req.Group)
}

// resourceMatches matches "*", the exact "resource[/sub]", or "*/sub".
func resourceMatches(rule rbacv1.PolicyRule, req Request) bool {
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

// nameMatches: a rule without resourceNames allows every object; one with
// them only a request naming one of them.
func nameMatches(rule rbacv1.PolicyRule, name string) bool {
	return len(rule.ResourceNames) == 0 || name != "" && slices.Contains(rule.ResourceNames, name)
}

// urlMatches matches a non-resource URL: "*", the exact URL, or a prefix
// ending in "*".
func urlMatches(rule rbacv1.PolicyRule, url string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == url || strings.HasSuffix(u, "*") && strings.HasPrefix(url, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}
