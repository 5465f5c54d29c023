package cluster

import (
	"context"
	"fmt"
	"os"
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
// cluster).
var env *testenv.Cluster

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.New(context.Background(), testenv.WithControllerManager(), testenv.WithAuditPolicy(auditPolicy))
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test control plane:", err)
		os.Exit(1)
	}
	code := m.Run()
	env.Stop()
	os.Exit(code)
}
