package kube

import (
	"fmt"

	k8sjson "sigs.k8s.io/json"

	"github.com/fourc-dev/fourc/internal/finding"
)

// DecodeObject decodes one object as an admission request carries it (JSON)
// into the typed object of its kind, or returns an error for a kind fourc
// does not inspect or a body that does not decode. Unknown fields are
// ignored, as the API server has already validated the object.
func DecodeObject(apiVersion, kind string, data []byte, src Source) (*Object, error) {
	typed := newTyped(apiVersion, kind)
	if typed == nil {
		return nil, fmt.Errorf("kind %s %s is not one fourc inspects", apiVersion, kind)
	}
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(data, typed); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", kind, err)
	}
	o, err := NewObject(typed, src)
	if err != nil {
		return nil, err
	}
	o.APIVersion = apiVersion
	if o.Name == "" {
		// A create with generateName has no name yet: name the object by
		// its prefix, so findings and exemptions ("Pod/shop/web-*") still
		// match it.
		o.Name = o.Meta().GetGenerateName()
	}
	return o, nil
}

// NewObjectSet builds the set in which one object is judged on its own, as
// an admission controller sees it: the object and the context objects the
// cross-object checks look at (its Namespace, the namespace's
// NetworkPolicies and ServiceAccounts). Unlike [NewSet], the object is a
// workload even when another object controls it: a Pod a ReplicaSet
// creates is admitted like any other. Findings about the context objects
// are the caller's to leave out (see [Scanner.EvaluateObject]).
func NewObjectSet(obj *Object, context []*Object) *Set {
	objs := make([]*Object, 0, len(context)+1)
	objs = append(objs, context...)
	objs = append(objs, obj)
	s := NewSet(objs)
	if w, ok := NewWorkload(obj); ok && controlled(obj.Meta()) && len(w.PodSpec.Containers)+len(w.PodSpec.InitContainers) > 0 {
		w.ns = s.namespace(obj.Namespace)
		w.ns.Workloads = append(w.ns.Workloads, w)
		s.Workloads = append(s.Workloads, w)
	}
	return s
}

// EvaluateObject runs every check over set (built by [NewObjectSet]) and
// returns the findings about obj only: its own, its workload's and, for a
// Namespace, the namespace checks'.
func (s *Scanner) EvaluateObject(set *Set, obj *Object) []finding.Finding {
	want := obj.Resource()
	var out []finding.Finding
	for _, f := range s.Evaluate(set) {
		if f.Resource == want {
			out = append(out, f)
		}
	}
	return out
}

// Err returns why the scanner cannot judge workloads (an unknown
// Kubernetes version in its options), or nil.
func (s *Scanner) Err() error { return s.err }
