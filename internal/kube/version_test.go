package kube

import "testing"

func TestParseKubernetesVersion(t *testing.T) {
	for in, want := range map[string]string{
		"": "latest", "latest": "latest", "1.29": "v1.29", "v1.29": "v1.29",
		"v1.29.3": "v1.29", "v1.30.2-eks-1234": "v1.30", "1.28+": "v1.28",
	} {
		got, err := ParseKubernetesVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseKubernetesVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"2.0", "1", "v1.x", "one.two", "1.-3"} {
		if got, err := ParseKubernetesVersion(in); err == nil {
			t.Errorf("ParseKubernetesVersion(%q) = %q, want an error", in, got)
		}
	}
}

// TestPSSAtClusterVersion evaluates one pod at two cluster versions: the
// restricted "capabilities must drop ALL" rule exists from v1.22 on, so a
// cluster at v1.21 admits the pod into a restricted namespace and FC-K8S-
// checks at that version do not report it.
func TestPSSAtClusterVersion(t *testing.T) {
	manifest := []byte(`apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: api
      image: registry.example.com/api:1.0
      securityContext:
        allowPrivilegeEscalation: false
`)
	ids := func(version string) map[string]bool {
		objs, _ := Load("pod.yaml", manifest)
		out := map[string]bool{}
		for _, f := range NewScanner(Options{KubernetesVersion: version}).Evaluate(NewSet(objs)) {
			if f.Resource.Kind == "Pod" {
				out[f.CheckID] = true
			}
		}
		return out
	}
	latest, old := ids(""), ids("v1.21.14")
	if !latest["FC-NET-007"] {
		t.Errorf("latest: want FC-NET-007 (capabilities not dropped), got %v", latest)
	}
	if old["FC-NET-007"] {
		t.Errorf("v1.21: want no FC-NET-007, got %v", old)
	}
	s := NewScanner(Options{KubernetesVersion: "v2.1"})
	_, skipped := s.Scan(t.Context(), nil, []string{"a.yaml"})
	if len(skipped) != 1 || skipped[0].Reason == "" {
		t.Errorf("bad version: want one skipped entry with the reason, got %v", skipped)
	}
}

// FuzzParseKubernetesVersion checks that any input either fails or gives a
// version that parses back to itself.
func FuzzParseKubernetesVersion(f *testing.F) {
	for _, s := range []string{"", "latest", "1.29", "v1.30.2-eks-1234", "1.28+", "v2.0", "1.", "v1.99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseKubernetesVersion(s)
		if err != nil {
			return
		}
		again, err := ParseKubernetesVersion(v)
		if err != nil || again != v {
			t.Fatalf("%q parsed to %q, which parses to %q, %v", s, v, again, err)
		}
	})
}
