package cluster

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/fourc-dev/fourc/internal/testenv"
)

// Users the live tests act as. The audit policy records their requests;
// secrets requests with the whole response, so the tests can prove what
// fourc received.
const (
	readerSA    = "system:serviceaccount:fourc:fourc" // bound by deploy/fourc-reader-clusterrole.yaml
	pagerUser   = "fourc-pager"
	limitedUser = "fourc-limited"
)

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: RequestResponse
    users: ["` + readerSA + `", "` + pagerUser + `", "` + limitedUser + `"]
    resources: [{group: "", resources: [secrets]}]
  - level: Metadata
    users: ["` + readerSA + `", "` + pagerUser + `", "` + limitedUser + `"]
  - level: None
`

// env is the control plane every live test of the package shares:
// etcd, kube-apiserver and kube-controller-manager (default service
// accounts, Pods of Deployments, aggregated ClusterRoles as in a real
// cluster). It starts on first use, so that tests of pure functions run
// without it.
var (
	envOnce sync.Once
	env     *testenv.Cluster
	envErr  error
)

// live returns the shared control plane, starting it if needed.
func live(t *testing.T) *testenv.Cluster {
	t.Helper()
	envOnce.Do(func() {
		env, envErr = testenv.New(context.Background(), testenv.WithControllerManager(), testenv.WithAuditPolicy(auditPolicy),
			testenv.WithLogf(t.Logf))
	})
	if envErr != nil {
		t.Fatalf("starting the test control plane: %v", envErr)
	}
	return env
}

func TestMain(m *testing.M) {
	code := m.Run()
	if env != nil {
		env.Stop()
	}
	os.Exit(code)
}
