package admission

import (
	"context"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// Verdict is what the webhook would have done with one existing object.
type Verdict struct {
	// Decision is "deny" (enforce mode), "warn" or "audit".
	Decision  string `json:"decision"`
	Mode      Mode   `json:"mode"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Violations are the findings that make it so.
	Violations []Violation `json:"violations"`
}

// Violation is one violated check.
type Violation struct {
	CheckID     string           `json:"check_id"`
	Title       string           `json:"title"`
	Severity    finding.Severity `json:"severity"`
	Message     string           `json:"message"`
	Remediation string           `json:"remediation,omitempty"`
}

// DryRun judges every object of a cluster snapshot that the webhook would
// judge, as if it were created now, and returns those that would have
// been denied, warned about or audited, in the snapshot's order. Objects
// another object controls (a Deployment's ReplicaSets and their Pods) are
// judged through their owner, as fourc k8s does.
func DryRun(ctx context.Context, set *kube.Set, p *Policy, clusterVersion string) ([]Verdict, error) {
	lookup := setLookup{set}
	s, err := NewServer(Config{Policy: p, Lookup: lookup, ClusterVersion: clusterVersion, Timeout: maxDryRunTimeout})
	if err != nil {
		return nil, err
	}
	var out []Verdict
	for _, o := range set.Objects {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		if !slices.Contains(Kinds, o.Kind) || isControlled(o.Meta()) {
			continue
		}
		obj, err := kube.NewObject(o.Typed, o.Source)
		if err != nil {
			continue
		}
		labels := s.labels(obj.Namespace)
		if obj.Kind == "Namespace" {
			labels = obj.Meta().GetLabels()
		}
		d := s.Judge(ctx, obj, labels)
		if v, ok := verdict(obj, d); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// maxDryRunTimeout is the budget of one object in a dry run: generous, as
// nobody waits on one answer.
const maxDryRunTimeout = 30 * time.Second

func verdict(obj *kube.Object, d Decision) (Verdict, bool) {
	if len(d.Violations) == 0 {
		return Verdict{}, false
	}
	v := Verdict{Mode: d.Mode, Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}
	switch d.Mode {
	case ModeEnforce:
		v.Decision = "deny"
	case ModeWarn:
		v.Decision = "warn"
	default:
		v.Decision = "audit"
	}
	for _, f := range d.Violations {
		v.Violations = append(v.Violations, Violation{CheckID: f.CheckID, Title: f.Title, Severity: f.Severity, Message: f.Message, Remediation: f.Remediation})
	}
	return v, true
}

func isControlled(m metav1.Object) bool {
	for _, r := range m.GetOwnerReferences() {
		if r.Controller != nil && *r.Controller {
			return true
		}
	}
	return false
}
