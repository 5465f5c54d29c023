package cluster

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestKubeconfigCompletion reads contexts and namespaces from a kubeconfig
// file whose server is a closed port: nothing is contacted.
func TestKubeconfigCompletion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	kc := `apiVersion: v1
kind: Config
current-context: prod
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {}}]
contexts:
  - {name: prod, context: {cluster: c, user: u, namespace: payments}}
  - {name: staging, context: {cluster: c, user: u, namespace: web}}
  - {name: bare, context: {cluster: c, user: u}}
`
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := KubeContexts(path), []string{"bare", "prod", "staging"}; !slices.Equal(got, want) {
		t.Errorf("contexts = %q, want %q", got, want)
	}
	if got, want := KubeNamespaces(path, ""), []string{"payments", "default", "web"}; !slices.Equal(got, want) {
		t.Errorf("namespaces of the current context = %q, want %q", got, want)
	}
	if got, want := KubeNamespaces(path, "staging"), []string{"web", "default", "payments"}; !slices.Equal(got, want) {
		t.Errorf("namespaces of staging = %q, want %q", got, want)
	}
	if got := KubeContexts(filepath.Join(t.TempDir(), "none")); len(got) != 0 {
		t.Errorf("contexts of a missing file = %q", got)
	}
}
