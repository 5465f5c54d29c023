package operator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// applyChartRBAC renders the chart's operator RBAC (templates/
// operator-rbac.yaml, chart defaults plus vals) for a release in ns,
// creates it and returns the operator's service account.
func applyChartRBAC(t *testing.T, ns string, vals map[string]any) (saNamespace, saName string) {
	t.Helper()
	c, err := loader.Load("../../deploy/helm/fourc")
	if err != nil {
		t.Fatal(err)
	}
	rv, err := chartutil.ToRenderValues(c, vals, chartutil.ReleaseOptions{Name: "fourc", Namespace: ns, Revision: 1, IsInstall: true},
		chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Render(c, rv)
	if err != nil {
		t.Fatal(err)
	}
	rbac := files["fourc/templates/operator-rbac.yaml"]
	if rbac == "" {
		t.Fatalf("no operator-rbac.yaml among %d rendered files", len(files))
	}
	for doc := range strings.SplitSeq(rbac, "\n---") {
		var u unstructured.Unstructured
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		if len(u.Object) == 0 {
			continue
		}
		if err := kc.Create(context.Background(), &u); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
		if u.GetKind() == "ClusterRoleBinding" && strings.HasSuffix(u.GetName(), "-operator") {
			var b rbacv1.ClusterRoleBinding
			data, _ := yaml.Marshal(u.Object)
			if err := yaml.Unmarshal(data, &b); err != nil || len(b.Subjects) != 1 {
				t.Fatalf("binding %s: %v", doc, err)
			}
			saNamespace, saName = b.Subjects[0].Namespace, b.Subjects[0].Name
		}
	}
	if saName == "" {
		t.Fatal("no ClusterRoleBinding of the operator rendered")
	}
	return saNamespace, saName
}

// TestChartRBAC runs the operator as the chart's service account, bound
// only to the chart's ClusterRole and Role (no Secrets, the default): it
// becomes ready, writes reports and says the secret checks were not
// evaluated.
func TestChartRBAC(t *testing.T) {
	ctx := context.Background()
	const release, ns = "fourc-chart", "chart-workloads"
	namespace(t, release)
	namespace(t, ns)
	saNS, sa := applyChartRBAC(t, release, map[string]any{"operator": map[string]any{"scanMode": "inprocess"}})
	cfg, err := env.UserConfig("system:serviceaccount:"+saNS+":"+sa, "system:serviceaccounts", "system:serviceaccounts:"+saNS, "system:authenticated")
	if err != nil {
		t.Fatal(err)
	}
	reg := imagetest.Registry(t)
	img := reg + "/shop/chart:1.0"
	push(t, img, testImage(t, "chart"))
	healthAddr := freeAddr(t)
	// As the chart runs it: cluster-wide, leader election, its namespace.
	start(t, Options{Config: cfg, ScanMode: ModeInProcess, InsecureRegistry: true, LeaderElect: true, JobNamespace: release,
		HealthAddr: healthAddr})
	if err := kc.Create(ctx, riskyDeployment(ns, "app", img)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, func() error {
		if got := getErr("http://" + healthAddr + "/readyz"); got != nil {
			return got
		}
		return nil
	})
	report(t, ns, "deployment-app", nil)
	eventually(t, 2*time.Minute, func() error {
		var cpr ClusterPostureReport
		if err := kc.Get(ctx, types.NamespacedName{Name: ClusterReportName}, &cpr); err != nil {
			return err
		}
		if !slices.Contains(cpr.Status.NotEvaluated, secretsNotEvaluated) {
			return fmt.Errorf("cluster report notEvaluated %q, want the secrets note", cpr.Status.NotEvaluated)
		}
		return nil
	})
}

// getErr fetches a URL and fails unless it answers 200 "ok".
func getErr(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		return fmt.Errorf("GET %s: %s %s", url, resp.Status, body)
	}
	return nil
}
