package cluster

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/rbac"
)

// catalogue is the live-only checks, by the kind of subject they inspect.
// They see what manifests cannot: effective permissions, the pods that
// exist, the service accounts and Secrets the cluster made itself.
type catalogue struct {
	workloads []check.Check[*kube.Workload]
	objects   []check.Check[*kube.Object]
	secrets   []check.Check[SecretMeta]
}

// newCatalogue lists every live-only check, explicitly. snap may be nil
// when only the metadata is needed.
func newCatalogue(snap *Snapshot) catalogue {
	var policy *rbac.Policy
	if snap != nil {
		policy = snap.Set.RBAC()
	}
	return catalogue{
		workloads: []check.Check[*kube.Workload]{
			checkWorkloadReadsSecrets(policy),
			checkWorkloadClusterAdmin(policy),
			checkWorkloadRuntimeClassMissing(runtimeClasses(snap)),
		},
		objects: []check.Check[*kube.Object]{
			checkDefaultServiceAccountToken(),
			checkNetworkPolicySelectsNothing(),
		},
		secrets: []check.Check[SecretMeta]{
			checkLegacyTokenSecret(),
			checkSecretLastApplied(),
		},
	}
}

// Checks returns the catalogue of the live-only checks. The shared
// Kubernetes checks a live scan also runs are kube.Checks().
func Checks() []check.Meta {
	c := newCatalogue(nil)
	var out []check.Meta
	out = append(out, check.Metas(c.workloads)...)
	out = append(out, check.Metas(c.objects)...)
	out = append(out, check.Metas(c.secrets)...)
	return out
}

// evaluateLive runs the live-only checks on a snapshot.
func evaluateLive(snap *Snapshot) []finding.Finding {
	return newCatalogue(snap).evaluate(snap)
}

func (c catalogue) evaluate(snap *Snapshot) []finding.Finding {
	var out []finding.Finding
	for _, w := range snap.Set.Workloads {
		for _, ch := range c.workloads {
			for _, v := range ch.Eval(w) {
				out = append(out, ch.Finding(w.Resource(), w.Location(v.Field), v))
			}
		}
	}
	for _, o := range snap.Set.Objects {
		for _, ch := range c.objects {
			for _, v := range ch.Eval(o) {
				out = append(out, ch.Finding(o.Resource(), o.Location(v.Field), v))
			}
		}
	}
	for _, s := range snap.Secrets {
		res := finding.Resource{Kind: "Secret", Name: s.Namespace + "/" + s.Name}
		for _, ch := range c.secrets {
			for _, v := range ch.Eval(s) {
				out = append(out, ch.Finding(res, finding.Location{Object: s.Ref()}, v))
			}
		}
	}
	return out
}

// meta fills in the layer every check of this package shares.
func meta(id, title string, sev finding.Severity, description, remediation string, refs ...finding.Reference) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCluster,
		description,
		remediation,
		refs...,
	)
}

// platformNamespaces hold the control plane's own components, which
// legitimately read Secrets and run with broad service accounts; the
// workload checks of this package do not judge them.
var platformNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// mountsToken reports whether the pods of w get their service account's
// API token: the pod's automountServiceAccountToken wins, then the service
// account's, and the default is true.
func mountsToken(w *kube.Workload) bool {
	if a := w.PodSpec.AutomountServiceAccountToken; a != nil {
		return *a
	}
	if sa := w.Namespace().ServiceAccount(serviceAccountName(w)); sa != nil && sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

// serviceAccountName is the service account the pods of w run as.
func serviceAccountName(w *kube.Workload) string {
	if n := w.PodSpec.ServiceAccountName; n != "" {
		return n
	}
	if n := w.PodSpec.DeprecatedServiceAccount; n != "" {
		return n
	}
	return "default"
}
