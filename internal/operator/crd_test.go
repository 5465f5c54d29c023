package operator

import (
	"context"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestCRDsServed: the API server accepted the three CRDs as written
// (structural schemas), with the scope, status subresource and printer
// columns the reports need.
func TestCRDsServed(t *testing.T) {
	for plural, scope := range map[string]string{"workloadreports": "Namespaced", "clusterposturereports": "Cluster", "nodereports": "Cluster"} {
		var crd unstructured.Unstructured
		crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
		if err := kc.Get(context.Background(), client.ObjectKey{Name: plural + "." + Group}, &crd); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := unstructured.NestedString(crd.Object, "spec", "scope"); got != scope {
			t.Errorf("%s: scope %q, want %q", plural, got, scope)
		}
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		if len(versions) != 1 {
			t.Fatalf("%s: %d versions", plural, len(versions))
		}
		v := versions[0].(map[string]any)
		if _, ok, _ := unstructured.NestedMap(v, "subresources", "status"); !ok || v["name"] != Version {
			t.Errorf("%s: version %v without status subresource", plural, v["name"])
		}
		var cols []string
		for _, c := range v["additionalPrinterColumns"].([]any) {
			cols = append(cols, c.(map[string]any)["name"].(string))
		}
		for _, want := range []string{"Critical", "High", "Medium", "Low", "Score", "Age"} {
			if !slices.Contains(cols, want) {
				t.Errorf("%s: printer columns %v lack %s", plural, cols, want)
			}
		}
		conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		for _, c := range conds {
			if m := c.(map[string]any); m["type"] == "NonStructuralSchema" && m["status"] == "True" {
				t.Errorf("%s: schema not structural: %v", plural, m["message"])
			}
		}
	}
}
