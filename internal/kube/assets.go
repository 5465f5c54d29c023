package kube

// Assets for cross-layer correlation. Besides findings, the scanner reports
// what it saw so that the posture package can join the layers: every
// workload with the images it runs, its service account and the effective
// RBAC of that account, the Services and Ingresses that expose it, the
// NetworkPolicies that select it and the namespace it runs in.
//
// Asset IDs and kinds (names are "namespace/name"; cluster-scoped objects
// have no namespace part):
//
//	workload:NS/KIND/NAME      kind "workload"       runs → image, uses → serviceaccount, in → namespace, scheduled → node
//	image:REF                  kind "image"          (Container layer) the reference as written in the pod spec
//	serviceaccount:NS/NAME     kind "serviceaccount" bound → rolebinding, in → namespace
//	rolebinding:NS/NAME        kind "rolebinding"    grants → role (RoleBinding)
//	clusterrolebinding:NAME    kind "rolebinding"    grants → role (ClusterRoleBinding)
//	role:NS/NAME               kind "role"           (Role)
//	clusterrole:NAME           kind "role"           (ClusterRole)
//	service:NS/NAME            kind "service"        exposes → workload, in → namespace
//	ingress:NS/NAME            kind "ingress"        routes → service, in → namespace
//	networkpolicy:NS/NAME      kind "networkpolicy"  selects → workload, in → namespace
//	namespace:NAME             kind "namespace"
//	node:NAME                  kind "node"           (live pods with spec.nodeName)
//	storageclass:NAME, pvc:NS/NAME, and workload claims → pvc: see storage_assets.go
//
// Attributes ("true"/"false" for flags; absent means unknown or not set):
//
//	workload:       namespace, kind, privileged, hostNetwork, hostPID, hostIPC, hostPath,
//	                serviceAccount, token (the API token is mounted), limits (every
//	                container sets cpu and memory limits), runAsNonRoot, readOnlyRootFilesystem,
//	                annotation.org.opencontainers.image.source (when the pod template or
//	                object carries it)
//	image:          digest (from a live pod's status.containerStatuses[].imageID)
//	serviceaccount: namespace, declared, automount, clusterAdmin, readSecrets,
//	                via (the bindings that grant those, "; "-separated)
//	rolebinding:    scope ("cluster" or "namespace"), role ("ClusterRole/NAME" or "Role/NS/NAME"),
//	                clusterAdmin, readSecrets
//	role:           clusterAdmin, readSecrets
//	service:        namespace, type, exposure ("internet" for NodePort and public
//	                LoadBalancer Services, else "cluster"), ports
//	ingress:        namespace, tls, exposure ("internet")
//	networkpolicy:  namespace, allPods (the empty pod selector), ingress, egress (the
//	                directions it governs), allowAll (an ingress rule admits everything)
//	namespace:      declared, psaEnforce (the pod-security.kubernetes.io/enforce level, ""
//	                when unset), psaEnforceVersion, networkPolicies (count), untrusted

import (
	"bytes"
	"cmp"
	"context"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/pod-security-admission/api"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/rbac"
	"github.com/fourc-dev/fourc/internal/render"
	"github.com/fourc-dev/fourc/internal/source"
)

// ociSourceAnnotation is the OCI annotation that names the repository an
// image was built from.
const ociSourceAnnotation = "org.opencontainers.image.source"

// ScanAssets implements engine.AssetScanner: the findings of Scan, and the
// assets of the same objects.
func (s *Scanner) ScanAssets(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Asset, []finding.Skipped) {
	if s.err != nil {
		f, sk := s.Scan(ctx, fsys, paths)
		return f, nil, sk
	}
	objs, skipped := s.loadObjects(ctx, fsys, paths)
	if ctx.Err() != nil {
		return nil, nil, nil
	}
	set := NewSet(objs)
	return s.Evaluate(set), Assets(set), skipped
}

// loadObjects reads the manifests of one unit: the objects of its Helm
// charts and kustomizations, rendered, then every other manifest. It skips
// the files the renders used, the templates of Helm charts (Go templates,
// not YAML) and files that never mention apiVersion.
func (s *Scanner) loadObjects(ctx context.Context, fsys fs.FS, paths []string) ([]*Object, []finding.Skipped) {
	objs, skipped, consumed := s.renderUnit(ctx, fsys, paths)
	charts := map[string]bool{}
	for _, p := range paths {
		if ctx.Err() != nil {
			return nil, nil
		}
		if consumed[p] || render.IsKustomization(p) || helmTemplate(fsys, p, charts) {
			continue
		}
		data, err := source.ReadFile(fsys, p, 0)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: readReason(p, err)})
			continue
		}
		if source.IsBinary(data) {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: "binary file"})
			continue
		}
		if !bytes.Contains(data, []byte("apiVersion")) {
			continue
		}
		o, sk := Load(p, data)
		objs = append(objs, o...)
		skipped = append(skipped, sk...)
	}
	return objs, skipped
}

// Assets returns the assets of a set, sorted by ID. A live-cluster source
// calls it on the Set it built, as it calls [Scanner.Evaluate].
func Assets(set *Set) []finding.Asset {
	b := assetBuilder{byID: map[string]*finding.Asset{}, set: set, policy: set.RBAC(), roles: map[string]bool{}}
	for _, o := range set.Objects {
		if _, ok := rulesOf(o); ok {
			b.roles[roleID(o.Kind, o.Namespace, o.Name)] = true
		}
	}
	for _, ns := range set.Namespaces {
		b.namespace(ns)
	}
	for _, w := range set.Workloads {
		b.workload(w)
		b.claims(w)
	}
	for _, o := range set.Objects {
		switch t := o.Typed.(type) {
		case *corev1.Service:
			b.service(o, t)
		case *networkingv1.Ingress:
			b.ingress(o, t)
		case *networkingv1.NetworkPolicy:
			b.networkPolicy(o, t)
		case *corev1.ServiceAccount:
			b.serviceAccount(o.Namespace, o.Name)
		case *rbacv1.RoleBinding, *rbacv1.ClusterRoleBinding:
			b.binding(o)
		case *rbacv1.Role, *rbacv1.ClusterRole:
			b.role(o)
		case *storagev1.StorageClass:
			b.storageClass(o, t)
		case *corev1.PersistentVolumeClaim:
			b.claim(o, t)
		}
	}
	out := make([]finding.Asset, 0, len(b.byID))
	for _, a := range b.byID {
		slices.SortFunc(a.Edges, func(x, y finding.Edge) int { return cmp.Or(cmp.Compare(x.Rel, y.Rel), cmp.Compare(x.To, y.To)) })
		a.Edges = slices.Compact(a.Edges)
		out = append(out, *a)
	}
	slices.SortFunc(out, func(x, y finding.Asset) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

type assetBuilder struct {
	byID   map[string]*finding.Asset
	set    *Set
	policy *rbac.Policy
	// roles are the asset IDs of the Roles and ClusterRoles the set
	// declares (bootstrap ones aside).
	roles map[string]bool
}

// add returns the asset with id, creating it with the given fields.
func (b *assetBuilder) add(id, kind, name string, layer finding.Layer, res finding.Resource, loc finding.Location) *finding.Asset {
	if a, ok := b.byID[id]; ok {
		if a.Location == (finding.Location{}) {
			a.Location = loc
		}
		return a
	}
	a := &finding.Asset{ID: id, Kind: kind, Name: name, Layer: layer, Resource: res, Location: loc, Attrs: map[string]string{}}
	b.byID[id] = a
	return a
}

func edge(a *finding.Asset, rel, to string) {
	a.Edges = append(a.Edges, finding.Edge{Rel: rel, To: to})
}

func boolAttr(v bool) string { return strconv.FormatBool(v) }

func nsName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

func namespaceID(ns string) string {
	if ns == "" {
		ns = "(unset)"
	}
	return "namespace:" + ns
}

// WorkloadAssetID is the asset ID of a workload.
func WorkloadAssetID(w *Workload) string {
	return "workload:" + nsName(w.Object.Namespace, w.Kind+"/"+w.Name)
}

func (b *assetBuilder) namespace(ns *Namespace) {
	name := ns.Name
	if name == "" {
		name = "(unset)"
	}
	var loc finding.Location
	if a := ns.Anchor(); a != nil && ns.Object != nil {
		loc = a.Location("")
	}
	a := b.add(namespaceID(ns.Name), "namespace", name, finding.LayerCluster, finding.Resource{Kind: "Namespace", Name: name}, loc)
	a.Attrs["declared"] = boolAttr(ns.Object != nil)
	a.Attrs["networkPolicies"] = strconv.Itoa(len(ns.NetworkPolicies))
	if ns.Object != nil {
		l := ns.Labels()
		a.Attrs["psaEnforce"] = l[api.EnforceLevelLabel]
		if v, ok := l[api.EnforceVersionLabel]; ok {
			a.Attrs["psaEnforceVersion"] = v
		}
		if l[DefaultUntrustedNamespaceLabel] == "true" {
			a.Attrs["untrusted"] = "true"
		}
	}
}

func (b *assetBuilder) workload(w *Workload) {
	id := WorkloadAssetID(w)
	a := b.add(id, "workload", nsName(w.Object.Namespace, w.Name), finding.LayerCluster, w.Resource(), w.Location(""))
	s := w.PodSpec
	a.Attrs["namespace"] = w.Object.Namespace
	a.Attrs["kind"] = w.Kind
	a.Attrs["hostNetwork"] = boolAttr(s.HostNetwork)
	a.Attrs["hostPID"] = boolAttr(s.HostPID)
	a.Attrs["hostIPC"] = boolAttr(s.HostIPC)
	a.Attrs["hostPath"] = boolAttr(slices.ContainsFunc(s.Volumes, func(v corev1.Volume) bool { return v.HostPath != nil }))
	b.containers(a, w)
	if v := w.PodMeta.Annotations[ociSourceAnnotation]; v != "" {
		a.Attrs["annotation."+ociSourceAnnotation] = v
	} else if v := w.Meta().GetAnnotations()[ociSourceAnnotation]; v != "" {
		a.Attrs["annotation."+ociSourceAnnotation] = v
	}
	if pod, ok := w.Typed.(*corev1.Pod); ok {
		b.livePod(a, pod)
	}
	b.workloadIdentity(a, w)
	edge(a, "in", namespaceID(w.Object.Namespace))
}

// containers sets the attributes a workload's containers decide
// (privileged, limits, readOnlyRootFilesystem, runAsNonRoot) and adds the
// images they run.
func (b *assetBuilder) containers(a *finding.Asset, w *Workload) {
	s := w.PodSpec
	privileged, limits, readOnly, nonRoot := false, true, true, true
	podNonRoot := s.SecurityContext != nil && s.SecurityContext.RunAsNonRoot != nil && *s.SecurityContext.RunAsNonRoot
	for c := range w.Containers() {
		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		privileged = privileged || sc.Privileged != nil && *sc.Privileged
		if c.Kind != EphemeralContainer {
			limits = limits && !c.Resources.Limits.Cpu().IsZero() && !c.Resources.Limits.Memory().IsZero()
			readOnly = readOnly && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
			own := podNonRoot
			if sc.RunAsNonRoot != nil {
				own = *sc.RunAsNonRoot
			}
			nonRoot = nonRoot && own
		}
		if img := strings.TrimSpace(c.Image); img != "" {
			imgID := "image:" + img
			b.add(imgID, "image", img, finding.LayerContainer, finding.Resource{Kind: "image", Name: img}, finding.Location{})
			edge(a, "runs", imgID)
		}
	}
	a.Attrs["privileged"] = boolAttr(privileged)
	a.Attrs["limits"] = boolAttr(limits)
	a.Attrs["readOnlyRootFilesystem"] = boolAttr(readOnly)
	a.Attrs["runAsNonRoot"] = boolAttr(nonRoot)
}

// livePod adds what only a live pod shows: the image digests the node
// resolved, and the node.
func (b *assetBuilder) livePod(a *finding.Asset, pod *corev1.Pod) {
	images := map[string]string{}
	for _, c := range slices.Concat(pod.Spec.InitContainers, pod.Spec.Containers) {
		images[c.Name] = c.Image
	}
	for _, st := range slices.Concat(pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses) {
		img := strings.TrimSpace(images[st.Name])
		if img == "" || st.ImageID == "" {
			continue
		}
		if d := digestOf(st.ImageID); d != "" {
			b.byID["image:"+img].Attrs["digest"] = d
		}
	}
	if pod.Spec.NodeName != "" {
		nid := "node:" + pod.Spec.NodeName
		b.add(nid, "node", pod.Spec.NodeName, finding.LayerCluster, finding.Resource{Kind: "Node", Name: pod.Spec.NodeName}, finding.Location{})
		edge(a, "scheduled", nid)
	}
}

// workloadIdentity links a workload to the service account its pods run
// as and says whether they mount its API token.
func (b *assetBuilder) workloadIdentity(a *finding.Asset, w *Workload) {
	s := w.PodSpec
	sa := cmp.Or(s.ServiceAccountName, s.DeprecatedServiceAccount, "default")
	a.Attrs["serviceAccount"] = sa
	saAsset := b.serviceAccount(w.Object.Namespace, sa)
	edge(a, "uses", saAsset.ID)
	token := true
	switch {
	case s.AutomountServiceAccountToken != nil:
		token = *s.AutomountServiceAccountToken
	case saAsset.Attrs["automount"] == "false":
		token = false
	}
	a.Attrs["token"] = boolAttr(token)
}

// digestOf returns the sha256 digest of a container status imageID such as
// "docker-pullable://repo@sha256:…" or "sha256:…".
func digestOf(imageID string) string {
	if i := strings.Index(imageID, "sha256:"); i >= 0 {
		return imageID[i:]
	}
	return ""
}

// serviceAccount returns the asset of a service account, declared in the
// set or only referenced by a workload.
func (b *assetBuilder) serviceAccount(ns, name string) *finding.Asset {
	id := "serviceaccount:" + nsName(ns, name)
	if a, ok := b.byID[id]; ok {
		return a
	}
	a := b.add(id, "serviceaccount", nsName(ns, name), finding.LayerCluster, finding.Resource{Kind: "ServiceAccount", Name: nsName(ns, name)}, finding.Location{})
	a.Attrs["namespace"] = ns
	a.Attrs["declared"] = "false"
	if n := b.set.Namespace(ns); n != nil {
		for _, o := range n.ServiceAccounts {
			if o.Name != name {
				continue
			}
			a.Location = o.Location("")
			a.Attrs["declared"] = "true"
			if sa, ok := o.Typed.(*corev1.ServiceAccount); ok && sa.AutomountServiceAccountToken != nil {
				a.Attrs["automount"] = boolAttr(*sa.AutomountServiceAccountToken)
			}
		}
	}
	perm := b.serviceAccountPower(ns, name)
	a.Attrs["clusterAdmin"] = boolAttr(perm.clusterAdmin)
	a.Attrs["readSecrets"] = boolAttr(perm.readSecrets)
	if len(perm.via) > 0 {
		a.Attrs["via"] = strings.Join(perm.via, "; ")
	}
	for _, bid := range perm.bindings {
		edge(a, "bound", bid)
	}
	edge(a, "in", namespaceID(ns))
	return a
}

func (b *assetBuilder) service(o *Object, svc *corev1.Service) {
	a := b.add("service:"+nsName(o.Namespace, o.Name), "service", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	a.Attrs["namespace"] = o.Namespace
	typ := string(svc.Spec.Type)
	if typ == "" {
		typ = string(corev1.ServiceTypeClusterIP)
	}
	a.Attrs["type"] = typ
	a.Attrs["exposure"] = "cluster"
	if publicService(svc) {
		a.Attrs["exposure"] = "internet"
	}
	var ports []string
	for _, p := range svc.Spec.Ports {
		ports = append(ports, strconv.Itoa(int(p.Port)))
	}
	if len(ports) > 0 {
		a.Attrs["ports"] = strings.Join(ports, ",")
	}
	for _, w := range o.Set().Selected(o.Namespace, svc.Spec.Selector) {
		edge(a, "exposes", WorkloadAssetID(w))
	}
	edge(a, "in", namespaceID(o.Namespace))
}

// publicService reports whether a Service is reachable from outside the
// cluster, by the rule of FC-NET-001.
func publicService(svc *corev1.Service) bool {
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort:
		return true
	case corev1.ServiceTypeLoadBalancer:
		if internalLoadBalancer(svc.Annotations) {
			return false
		}
		ranges := svc.Spec.LoadBalancerSourceRanges
		if len(ranges) == 0 && svc.Annotations[corev1.AnnotationLoadBalancerSourceRangesKey] != "" {
			ranges = strings.Split(svc.Annotations[corev1.AnnotationLoadBalancerSourceRangesKey], ",")
		}
		if len(ranges) == 0 {
			return true
		}
		for _, r := range ranges {
			if openCIDR(r) {
				return true
			}
		}
	}
	return false
}

func (b *assetBuilder) ingress(o *Object, ing *networkingv1.Ingress) {
	a := b.add("ingress:"+nsName(o.Namespace, o.Name), "ingress", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	a.Attrs["namespace"] = o.Namespace
	a.Attrs["tls"] = boolAttr(len(ing.Spec.TLS) > 0)
	a.Attrs["exposure"] = "internet"
	backend := func(be networkingv1.IngressBackend) {
		if be.Service != nil && be.Service.Name != "" {
			edge(a, "routes", "service:"+nsName(o.Namespace, be.Service.Name))
		}
	}
	if ing.Spec.DefaultBackend != nil {
		backend(*ing.Spec.DefaultBackend)
	}
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			backend(p.Backend)
		}
	}
	edge(a, "in", namespaceID(o.Namespace))
}

func (b *assetBuilder) networkPolicy(o *Object, np *networkingv1.NetworkPolicy) {
	a := b.add("networkpolicy:"+nsName(o.Namespace, o.Name), "networkpolicy", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	a.Attrs["namespace"] = o.Namespace
	a.Attrs["allPods"] = boolAttr(emptySelector(&np.Spec.PodSelector))
	egress := false
	for _, t := range np.Spec.PolicyTypes {
		egress = egress || t == networkingv1.PolicyTypeEgress
	}
	if len(np.Spec.PolicyTypes) == 0 && len(np.Spec.Egress) > 0 {
		egress = true
	}
	a.Attrs["ingress"] = boolAttr(hasIngress(np))
	a.Attrs["egress"] = boolAttr(egress)
	allowAll := false
	for _, r := range np.Spec.Ingress {
		allowAll = allowAll || (len(r.Ports) == 0 && anySource(r))
	}
	a.Attrs["allowAll"] = boolAttr(hasIngress(np) && allowAll)
	if sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector); err == nil {
		if ns := o.Set().Namespace(o.Namespace); ns != nil {
			for _, w := range ns.Workloads {
				if sel.Matches(labels.Set(w.PodMeta.Labels)) {
					edge(a, "selects", WorkloadAssetID(w))
				}
			}
		}
	}
	edge(a, "in", namespaceID(o.Namespace))
}

func bindingID(o *Object) string {
	if o.Kind == "ClusterRoleBinding" {
		return "clusterrolebinding:" + o.Name
	}
	return "rolebinding:" + nsName(o.Namespace, o.Name)
}

func roleID(kind, ns, name string) string {
	if kind == "ClusterRole" {
		return "clusterrole:" + name
	}
	return "role:" + nsName(ns, name)
}

func (b *assetBuilder) binding(o *Object) {
	ref, _, ok := bindingOf(o)
	if !ok {
		return
	}
	a := b.add(bindingID(o), "rolebinding", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	cluster := o.Kind == "ClusterRoleBinding"
	a.Attrs["scope"] = "namespace"
	if cluster {
		a.Attrs["scope"] = "cluster"
	}
	role := ref.Kind + "/" + ref.Name
	if ref.Kind == "Role" {
		role = ref.Kind + "/" + nsName(o.Namespace, ref.Name)
	}
	a.Attrs["role"] = role
	p := rulePower(b.policy.RefRules(ref, o.Namespace, cluster))
	a.Attrs["clusterAdmin"] = boolAttr(p.clusterAdmin && cluster)
	a.Attrs["readSecrets"] = boolAttr(p.readSecrets)
	if id := roleID(ref.Kind, o.Namespace, ref.Name); b.roles[id] {
		edge(a, "grants", id)
	}
}

func (b *assetBuilder) role(o *Object) {
	rules, ok := rulesOf(o)
	if !ok {
		return
	}
	a := b.add(roleID(o.Kind, o.Namespace, o.Name), "role", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	p := rulePower(rules)
	a.Attrs["clusterAdmin"] = boolAttr(p.clusterAdmin)
	a.Attrs["readSecrets"] = boolAttr(p.readSecrets)
}

// power is what a role or a set of bindings allows, as far as correlation
// cares.
type power struct {
	clusterAdmin bool
	readSecrets  bool
	via          []string
	bindings     []string
}

// clusterAdminRequest is every verb on every resource of every API group:
// only a rule of "*" verbs, groups and resources allows it.
var clusterAdminRequest = rbac.Request{Verb: rbacv1.VerbAll, Group: rbacv1.APIGroupAll, Resource: rbacv1.ResourceAll}

// readsSecrets reports whether a rule allows get, list or watch on every
// Secret (a rule limited by resourceNames does not).
func readsSecrets(r rbacv1.PolicyRule) bool {
	for _, verb := range []string{"get", "list", "watch"} {
		if rbac.Allows(r, rbac.Request{Verb: verb, Resource: "secrets"}) {
			return true
		}
	}
	return false
}

// rulePower judges rules, as the RBAC model matches them: cluster-admin is
// every verb on every resource of every group; reading secrets is get,
// list or watch on every Secret.
func rulePower(rules []rbac.Rule) power {
	var p power
	for _, r := range rules {
		p.clusterAdmin = p.clusterAdmin || rbac.Allows(r.PolicyRule, clusterAdminRequest)
		p.readSecrets = p.readSecrets || readsSecrets(r.PolicyRule)
	}
	return p
}

// serviceAccountPower returns the effective permissions of a service
// account from the RBAC model: every binding that applies to it, directly
// or through its groups (the API server's own bootstrap bindings
// included, though they have no asset to point to). A RoleBinding confines
// even cluster-admin to its namespace.
func (b *assetBuilder) serviceAccountPower(ns, name string) power {
	var p power
	for _, bd := range b.policy.BindingsOf(rbac.ServiceAccount(ns, name)) {
		cluster := bd.Kind == "ClusterRoleBinding"
		if bd.Labels[bootstrapLabel] != "rbac-defaults" {
			p.bindings = append(p.bindings, bindingAssetID(bd))
		}
		g := rulePower(b.policy.RefRules(bd.RoleRef, bd.Namespace, cluster))
		g.clusterAdmin = g.clusterAdmin && cluster
		if !g.clusterAdmin && !g.readSecrets {
			continue
		}
		p.clusterAdmin = p.clusterAdmin || g.clusterAdmin
		p.readSecrets = p.readSecrets || g.readSecrets
		p.via = append(p.via, bd.String())
	}
	return p
}

// bindingAssetID is the asset ID of a binding of the RBAC model.
func bindingAssetID(bd rbac.Binding) string {
	if bd.Kind == "ClusterRoleBinding" {
		return "clusterrolebinding:" + bd.Name
	}
	return "rolebinding:" + nsName(bd.Namespace, bd.Name)
}
