package audit

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// emitFunc reports a hit of check id on key (subject and object).
type emitFunc func(id, key string, res finding.Resource, subject, text string)

// detectors are the built-in rules over single events (FC-RT-001 to 010),
// one function each, in ID order.
var detectors = []func(a *Analyzer, ev *auditv1.Event, emit emitFunc){
	detectExec,
	detectSecretRead,
	detectAnonymous,
	detectPrivilegedPod,
	detectRBACGrant,
	detectTokenRequest,
	detectImpersonation,
	detectUntrustedNetwork,
	detectAuthBurst,
	detectAdmissionChange,
}

func resource(ev *auditv1.Event) (res, sub string) {
	if ev.ObjectRef == nil {
		return "", ""
	}
	return ev.ObjectRef.Resource, ev.ObjectRef.Subresource
}

// refused reports a request that authentication or authorization refused.
func refused(ev *auditv1.Event) bool {
	c := code(ev)
	return c == 401 || c == 403
}

// detectExec (FC-RT-001) reads objectRef pods/exec, pods/attach and
// pods/portforward. A request that authorization let through counts even
// when it failed later (the kubelet was unreachable): the intent is the
// finding. Hits aggregate per subject and pod.
func detectExec(a *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, sub := resource(ev)
	if res != "pods" || (sub != "exec" && sub != "attach" && sub != "portforward") || refused(ev) || code(ev) == 0 {
		return
	}
	ref := ev.ObjectRef
	r := a.opts.Cluster.podResource(ref.Namespace, ref.Name)
	text := fmt.Sprintf("opened %s into pod %q", sub, ref.Namespace+"/"+ref.Name)
	if !allowed(ev) {
		text += fmt.Sprintf(" (the API server answered %d)", code(ev))
	}
	emit(idExec, actor(ev)+"\x00"+sub+"\x00"+ref.Namespace+"/"+ref.Name, r, subject(ev), text)
}

// systemComponent reports the control plane's own identities, which read
// secrets (and do much else) by design: the API server, controller
// manager, scheduler, kube-proxy, kubelets and kube-system's controllers.
func systemComponent(user string) bool {
	switch user {
	case "system:apiserver", "system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy":
		return true
	}
	return strings.HasPrefix(user, "system:node:") || strings.HasPrefix(user, "system:serviceaccount:kube-system:")
}

// serviceAccount splits system:serviceaccount:NS:NAME.
func serviceAccount(user string) (ns, name string, ok bool) {
	rest, found := strings.CutPrefix(user, "system:serviceaccount:")
	if !found {
		return "", "", false
	}
	ns, name, ok = strings.Cut(rest, ":")
	return ns, name, ok && ns != "" && name != ""
}

func secretVerb(v string) bool { return v == "get" || v == "list" || v == "watch" }

// detectSecretRead (FC-RT-002) reads objectRef secrets with verb get,
// list or watch that succeeded. Silent for the control plane's identities
// (see systemComponent) and for a service account getting one Secret of
// its own namespace by name when the profile holds that action or the
// cluster view says its RBAC grants reading secrets. Hits aggregate per
// subject, verb and namespace.
func detectSecretRead(a *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, sub := resource(ev)
	if res != "secrets" || sub != "" || !secretVerb(ev.Verb) || !allowed(ev) {
		return
	}
	who := actor(ev)
	if systemComponent(who) {
		return
	}
	ref := ev.ObjectRef
	if ns, name, ok := serviceAccount(who); ok && ev.Verb == "get" && ref.Name != "" && ns == ref.Namespace {
		if a.opts.Profile.has(who, action(ev)) || a.opts.Cluster.readsSecrets(ns, name) {
			return
		}
	}
	r, what := object(ev)
	if ref.Name == "" {
		r.Name = cmp.Or(ref.Namespace, "(all namespaces)")
		what = "secrets in " + r.Name
	}
	emit(idSecretRead, who+"\x00"+ev.Verb+"\x00"+ref.Namespace, r, subject(ev), fmt.Sprintf("did %s on %s", ev.Verb, what))
}

func anonymous(ev *auditv1.Event) bool {
	return ev.User.Username == "system:anonymous" || slices.Contains(ev.User.Groups, "system:unauthenticated")
}

// publicPaths are served to anonymous users by the default RBAC roles
// (system:public-info-viewer, service-account-issuer-discovery).
func publicPath(uri string) bool {
	p, _, _ := strings.Cut(uri, "?")
	switch p {
	case "/healthz", "/livez", "/readyz", "/version", "/.well-known/openid-configuration", "/openid/v1/jwks":
		return true
	}
	return strings.HasPrefix(p, "/healthz/") || strings.HasPrefix(p, "/livez/") || strings.HasPrefix(p, "/readyz/")
}

// detectAnonymous (FC-RT-003) reads user.username system:anonymous or
// group system:unauthenticated on a request that succeeded, but the
// public health and discovery endpoints.
func detectAnonymous(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	if !anonymous(ev) || !allowed(ev) || publicPath(ev.RequestURI) {
		return
	}
	r, what := object(ev)
	emit(idAnonymous, sourceIP(ev)+"\x00"+ev.Verb+"\x00"+r.String(), r, subject(ev), fmt.Sprintf("was allowed to %s %s without credentials", ev.Verb, what))
}

// podSpecPaths locate the pod spec in the request objects of the
// resources that carry one.
var podSpecPaths = map[string][]string{
	"pods":         {"spec"},
	"deployments":  {"spec", "template", "spec"},
	"daemonsets":   {"spec", "template", "spec"},
	"statefulsets": {"spec", "template", "spec"},
	"replicasets":  {"spec", "template", "spec"},
	"jobs":         {"spec", "template", "spec"},
	"cronjobs":     {"spec", "jobTemplate", "spec", "template", "spec"},
}

func writeVerb(v string) bool { return v == "create" || v == "update" || v == "patch" }

// requestObject decodes the request body kept at level Request or
// RequestResponse; nil when absent or not JSON.
func requestObject(ev *auditv1.Event) map[string]any {
	if ev.RequestObject == nil || len(ev.RequestObject.Raw) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(ev.RequestObject.Raw, &m) != nil {
		return nil
	}
	return m
}

func dig(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// podRisks lists what makes a pod spec dangerous to its node:
// hostNetwork, hostPID, hostIPC, hostPath volumes and privileged
// containers (init and ephemeral ones too).
func podRisks(spec map[string]any) []string {
	var out []string
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if spec[k] == true {
			out = append(out, k)
		}
	}
	vols, _ := spec["volumes"].([]any)
	for _, v := range vols {
		if vm, ok := v.(map[string]any); ok && vm["hostPath"] != nil {
			out = append(out, fmt.Sprintf("hostPath volume %q", vm["name"]))
		}
	}
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		cs, _ := spec[list].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			if sc := dig(cm, "securityContext"); sc != nil && sc["privileged"] == true {
				out = append(out, fmt.Sprintf("privileged container %q", cm["name"]))
			}
		}
	}
	return out
}

// detectPrivilegedPod (FC-RT-004) reads the requestObject (levels Request
// and RequestResponse) of successful create, update and patch requests on
// pods and workloads: their pod spec's privileged containers, hostPath
// volumes, hostNetwork, hostPID and hostIPC.
func detectPrivilegedPod(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, sub := resource(ev)
	path, ok := podSpecPaths[res]
	if !ok || sub != "" || !writeVerb(ev.Verb) || !allowed(ev) || !mentions(ev, "privileged", "hostPath", "hostNetwork", "hostPID", "hostIPC") {
		return
	}
	obj := requestObject(ev)
	spec := dig(obj, path...)
	if spec == nil {
		return
	}
	risks := podRisks(spec)
	if len(risks) == 0 {
		return
	}
	r, what := object(ev)
	if n, _ := dig(obj, "metadata")["name"].(string); ev.ObjectRef.Name == "" && n != "" {
		r.Name = ev.ObjectRef.Namespace + "/" + n
		what = fmt.Sprintf("%s %q", strings.ToLower(r.Kind), r.Name)
	}
	emit(idPrivilegedPod, actor(ev)+"\x00"+r.String(), r, subject(ev), fmt.Sprintf("did %s on %s with %s", ev.Verb, what, strings.Join(risks, ", ")))
}

// mentions reports whether the request body holds one of the words: a
// cheap filter before decoding it.
func mentions(ev *auditv1.Event, words ...string) bool {
	if ev.RequestObject == nil {
		return false
	}
	for _, w := range words {
		if bytes.Contains(ev.RequestObject.Raw, []byte(w)) {
			return true
		}
	}
	return false
}

// detectRBACGrant (FC-RT-005) reads the requestObject of successful
// create, update and patch requests on (cluster)rolebindings (roleRef.name
// cluster-admin) and (cluster)roles (a rule with "*" in verbs, resources
// or apiGroups and resources).
func detectRBACGrant(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, _ := resource(ev)
	if !rbacResources[res] || !writeVerb(ev.Verb) || !allowed(ev) || !mentions(ev, "cluster-admin", `"*"`) {
		return
	}
	obj := requestObject(ev)
	var why string
	switch res {
	case "clusterrolebindings", "rolebindings":
		if dig(obj, "roleRef")["name"] == "cluster-admin" {
			why = "binds cluster-admin to " + bindingSubjects(obj)
		}
	case "clusterroles", "roles":
		if w := wildcardRule(obj); w != "" {
			why = "grants " + w
		}
	}
	if why == "" {
		return
	}
	r, what := object(ev)
	if n, _ := dig(obj, "metadata")["name"].(string); ev.ObjectRef.Name == "" && n != "" {
		r.Name = strings.TrimPrefix(ev.ObjectRef.Namespace+"/"+n, "/")
		what = fmt.Sprintf("%s %q", strings.ToLower(r.Kind), r.Name)
	}
	emit(idRBACGrant, actor(ev)+"\x00"+r.String(), r, subject(ev), fmt.Sprintf("did %s on %s, which %s", ev.Verb, what, why))
}

var rbacResources = map[string]bool{"clusterrolebindings": true, "rolebindings": true, "clusterroles": true, "roles": true}

func bindingSubjects(obj map[string]any) string {
	subs, _ := obj["subjects"].([]any)
	var names []string
	for _, s := range subs {
		sm, _ := s.(map[string]any)
		n, _ := sm["name"].(string)
		k, _ := sm["kind"].(string)
		if ns, _ := sm["namespace"].(string); ns != "" {
			n = ns + "/" + n
		}
		names = append(names, k+" "+strconv.Quote(n))
	}
	if len(names) == 0 {
		return "(no subjects in the request)"
	}
	return strings.Join(names, ", ")
}

func wildcardRule(obj map[string]any) string {
	rules, _ := obj["rules"].([]any)
	for _, r := range rules {
		rm, _ := r.(map[string]any)
		for _, field := range []string{"verbs", "resources"} {
			vals, _ := rm[field].([]any)
			if slices.Contains(vals, any("*")) {
				return `"*" in ` + field
			}
		}
	}
	return ""
}

// detectTokenRequest (FC-RT-006) reads successful create requests on
// serviceaccounts/token whose requester is neither the service account
// itself nor a kubelet (which requests its pods' tokens).
func detectTokenRequest(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, sub := resource(ev)
	if res != "serviceaccounts" || sub != "token" || ev.Verb != "create" || !allowed(ev) {
		return
	}
	ref := ev.ObjectRef
	who := actor(ev)
	if who == "system:serviceaccount:"+ref.Namespace+":"+ref.Name || strings.HasPrefix(who, "system:node:") {
		return
	}
	r := finding.Resource{Kind: "ServiceAccount", Name: ref.Namespace + "/" + ref.Name}
	emit(idTokenRequest, who+"\x00"+r.Name, r, subject(ev), fmt.Sprintf("requested a token of service account %q", r.Name))
}

// detectImpersonation (FC-RT-007) reads impersonatedUser. Hits
// aggregate per subject and impersonated user.
func detectImpersonation(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	if ev.ImpersonatedUser == nil || refused(ev) {
		return
	}
	imp := ev.ImpersonatedUser.Username
	r, what := object(ev)
	text := fmt.Sprintf("impersonated %q to %s %s", imp, ev.Verb, what)
	if len(ev.ImpersonatedUser.Groups) > 0 {
		text += " with groups " + strings.Join(ev.ImpersonatedUser.Groups, ", ")
	}
	emit(idImpersonation, ev.User.Username+"\x00"+imp, finding.Resource{Kind: "User", Name: imp}, strconv.Quote(ev.User.Username), text+" ("+r.String()+")")
}

// network is the /24 (IPv4) or /64 (IPv6) around a source address.
func network(ip string) (netip.Prefix, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	bits := 64
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	return p, err == nil
}

// detectUntrustedNetwork (FC-RT-008) reads the first sourceIPs of a
// service account's requests when trusted networks are given.
func detectUntrustedNetwork(a *Analyzer, ev *auditv1.Event, emit emitFunc) {
	if len(a.opts.TrustedNetworks) == 0 {
		return
	}
	who := ev.User.Username
	if _, _, ok := serviceAccount(who); !ok {
		return
	}
	addr, err := netip.ParseAddr(sourceIP(ev))
	if err != nil {
		return
	}
	addr = addr.Unmap()
	for _, p := range a.opts.TrustedNetworks {
		if p.Contains(addr) {
			return
		}
	}
	net, _ := network(addr.String())
	r := finding.Resource{Kind: "ServiceAccount", Name: strings.Replace(strings.TrimPrefix(who, "system:serviceaccount:"), ":", "/", 1)}
	emit(idUntrustedNet, who+"\x00"+net.String(), r, subject(ev), "used the service account's credentials from "+addr.String()+", outside the trusted networks")
}

// detectAuthBurst (FC-RT-009) counts 401 and 403 answers per user (or per
// source address when there is no user) in a fixed window; the hit comes
// when the count reaches the threshold, once per window.
func detectAuthBurst(a *Analyzer, ev *auditv1.Event, emit emitFunc) {
	if !refused(ev) {
		return
	}
	key, res := "source "+sourceIP(ev), finding.Resource{Kind: "Source", Name: sourceIP(ev)}
	if u := ev.User.Username; u != "" && !anonymous(ev) {
		key, res = "user "+u, finding.Resource{Kind: "User", Name: u}
	}
	at := eventTime(ev)
	b := a.bursts[key]
	if b == nil {
		if len(a.bursts) >= a.opts.MaxKeys {
			a.dropped++
			return
		}
		b = &burst{start: at}
		a.bursts[key] = b
	}
	if at.Sub(b.start) > a.opts.BurstWindow {
		*b = burst{start: at}
	}
	b.count++
	if b.count < a.opts.BurstThreshold || b.reported {
		return
	}
	b.reported = true
	emit(idAuthBurst, key+"\x00"+stamp(b.start), res, subject(ev),
		fmt.Sprintf("was refused %d times (401/403) within %s, starting %s", b.count, a.opts.BurstWindow, stamp(b.start)))
}

var admissionResources = map[string]bool{
	"validatingwebhookconfigurations":   true,
	"mutatingwebhookconfigurations":     true,
	"validatingadmissionpolicies":       true,
	"validatingadmissionpolicybindings": true,
	"mutatingadmissionpolicies":         true,
	"mutatingadmissionpolicybindings":   true,
}

// detectAdmissionChange (FC-RT-010) reads successful delete,
// deletecollection, update and patch requests on admission configuration
// (webhook configurations, admission policies and their bindings).
func detectAdmissionChange(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	res, sub := resource(ev)
	if !admissionResources[res] || sub != "" || !allowed(ev) {
		return
	}
	switch ev.Verb {
	case "delete", "deletecollection", "update", "patch":
	default:
		return
	}
	r, what := object(ev)
	emit(idAdmission, actor(ev)+"\x00"+ev.Verb+"\x00"+r.String(), r, subject(ev), fmt.Sprintf("did %s on %s", ev.Verb, what))
}
