package kube

import (
	"strings"
	"testing"
)

// TestEvaluateObject: one object judged alone, as an admission webhook
// does: a controlled Pod is still a workload, findings about the context
// are left out, and an unknown kind is an error.
func TestEvaluateObject(t *testing.T) {
	pod := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-","namespace":"shop",
		"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u","controller":true}]},
		"spec":{"containers":[{"name":"a","image":"nginx","securityContext":{"privileged":true}}]}}`)
	obj, err := DecodeObject("v1", "Pod", pod, Source{Ref: "namespaces/shop/pods/web-"})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Name != "web-" || obj.Namespace != "shop" {
		t.Errorf("named %q in %q", obj.Name, obj.Namespace)
	}
	ns, err := DecodeObject("v1", "Namespace", []byte(`{"metadata":{"name":"shop"}}`), Source{Ref: "namespaces/shop"})
	if err != nil {
		t.Fatal(err)
	}
	s := NewScanner(Options{})
	fs := s.EvaluateObject(NewObjectSet(obj, []*Object{ns}), obj)
	var ids []string
	for _, f := range fs {
		if f.Resource != obj.Resource() {
			t.Errorf("finding about %v", f.Resource)
		}
		ids = append(ids, f.CheckID)
	}
	if !strings.Contains(strings.Join(ids, " "), "FC-K8S-101") {
		t.Errorf("controlled privileged pod: checks %v", ids)
	}
	if _, err := DecodeObject("v1", "ConfigMap", []byte(`{}`), Source{}); err == nil {
		t.Error("ConfigMap decoded")
	}
	if _, err := DecodeObject("v1", "Pod", []byte(`{"spec":1}`), Source{}); err == nil {
		t.Error("malformed Pod decoded")
	}
}
