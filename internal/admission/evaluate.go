package admission

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/posture"
)

// Kinds are the kinds the webhook judges; requests for other kinds are
// allowed unseen.
var Kinds = []string{
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
	"Service", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace",
}

// Lookup is what the evaluation reads of the cluster besides the object:
// an informer cache in the webhook, a snapshot in a dry run.
type Lookup interface {
	// Namespace returns the Namespace of that name, or nil when unknown.
	Namespace(name string) *corev1.Namespace
	// Context returns the namespace's objects the cross-object checks
	// look at: its NetworkPolicies and ServiceAccounts.
	Context(namespace string) []runtime.Object
}

// Evaluator turns one admitted object into findings.
type Evaluator interface {
	Evaluate(ctx context.Context, obj *kube.Object) ([]finding.Finding, error)
}

// checker is the Evaluator of fourc scan's checks: the shared Kubernetes
// checks (internal/kube, whose RBAC checks read internal/rbac's model)
// and the attack-path rules of the cross-layer analysis
// (internal/posture, built-in and the policy's own).
type checker struct {
	scanner *kube.Scanner
	rules   *posture.RuleSet
	lookup  Lookup
}

// NewEvaluator returns the Evaluator of fourc scan's checks for a policy.
// clusterVersion is the API server's version, used for the Pod Security
// Standards unless the policy names one.
func NewEvaluator(p *Policy, lookup Lookup, clusterVersion string) (Evaluator, error) {
	v := p.KubernetesVersion
	if v == "" {
		v = clusterVersion
	}
	s := kube.NewScanner(kube.Options{KubernetesVersion: v, UntrustedNamespaceLabel: p.UntrustedNamespaceLabel})
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	return &checker{scanner: s, rules: p.Rules, lookup: lookup}, nil
}

// Evaluate runs the checks on obj in the context the lookup gives, then
// the attack-path rules on what they found. Every finding is about obj.
func (c *checker) Evaluate(ctx context.Context, obj *kube.Object) ([]finding.Finding, error) {
	set := kube.NewObjectSet(obj, c.context(obj))
	fs := c.scanner.EvaluateObject(set, obj)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, ok := kube.NewWorkload(obj); !ok {
		// Attack paths are anchored on workloads: a set without one has
		// none.
		finding.Sort(fs)
		return fs, nil
	}
	res := posture.Analyze(posture.Input{Findings: fs, Assets: kube.Assets(set)}, posture.Options{Rules: c.rules})
	for _, p := range res.Paths {
		fs = append(fs, finding.Finding{
			CheckID:     p.Rule,
			Title:       p.Title,
			Severity:    p.Severity,
			Layer:       finding.LayerCluster,
			Resource:    obj.Resource(),
			Location:    obj.Location(""),
			Message:     p.Summary,
			Remediation: p.Remediation,
		})
	}
	finding.Sort(fs)
	return fs, nil
}

// context wraps the lookup's objects for obj's namespace. A Namespace
// being admitted is its own namespace: the cached one is left out.
func (c *checker) context(obj *kube.Object) []*kube.Object {
	ns := obj.Namespace
	if obj.Kind == "Namespace" {
		ns = obj.Name
	}
	if ns == "" || c.lookup == nil {
		return nil
	}
	var typed []runtime.Object
	if n := c.lookup.Namespace(ns); n != nil && obj.Kind != "Namespace" {
		typed = append(typed, n)
	}
	typed = append(typed, c.lookup.Context(ns)...)
	out := make([]*kube.Object, 0, len(typed))
	for _, t := range typed {
		if o, err := kube.NewObject(t, kube.Source{Ref: "(context)"}); err == nil {
			out = append(out, o)
		}
	}
	return out
}

// setLookup answers from a cluster snapshot, for a dry run.
type setLookup struct{ set *kube.Set }

func (l setLookup) Namespace(name string) *corev1.Namespace {
	ns := l.set.Namespace(name)
	if ns == nil || ns.Object == nil {
		return nil
	}
	n, _ := ns.Object.Typed.(*corev1.Namespace)
	return n
}

func (l setLookup) Context(namespace string) []runtime.Object {
	ns := l.set.Namespace(namespace)
	if ns == nil {
		return nil
	}
	var out []runtime.Object
	for _, o := range slices.Concat(ns.NetworkPolicies, ns.ServiceAccounts) {
		out = append(out, o.Typed)
	}
	return out
}
