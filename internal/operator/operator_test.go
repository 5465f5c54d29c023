package operator

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// testImage is a small image: an Alpine os-release, a setuid binary and
// no USER (root), so that the image checks find something.
func testImage(t testing.TB, marker string) v1.Image {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	files := []struct {
		name string
		mode int64
		body string
	}{
		{"etc/os-release", 0o644, "ID=alpine\nVERSION_ID=3.12.0\nNAME=\"Alpine Linux\"\n"},
		{"usr/bin/tool", 0o4755, "#!/bin/sh\n" + marker + "\n"},
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Config(img, v1.Config{Cmd: []string{"/usr/bin/tool"}})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// push writes img to ref.
func push(t testing.TB, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
}

func namespace(t *testing.T, name string) {
	t.Helper()
	if err := kc.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
}

// riskyDeployment runs privileged, as root, on the host network, with
// no limits.
func riskyDeployment(ns, name, img string) *appsv1.Deployment {
	d := deployment(ns, name, img)
	d.Spec.Template.Spec.HostNetwork = true
	d.Spec.Template.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptrTo(true), RunAsUser: ptrTo(int64(0))}
	return d
}

// hardenedDeployment follows the restricted Pod Security Standard and
// fourc's workload checks.
func hardenedDeployment(ns, name, img string) *appsv1.Deployment {
	d := deployment(ns, name, img)
	spec := &d.Spec.Template.Spec
	spec.AutomountServiceAccountToken = ptrTo(false)
	spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptrTo(true), RunAsUser: ptrTo(int64(10001)), RunAsGroup: ptrTo(int64(10001)),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	c := &spec.Containers[0]
	c.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptrTo(false), ReadOnlyRootFilesystem: ptrTo(true),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}
	c.Resources = corev1.ResourceRequirements{Requests: rl, Limits: rl}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(8080)}}}
	c.LivenessProbe, c.ReadinessProbe = probe, probe
	return d
}

func deployment(ns, name, img string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: img}}},
			},
		},
	}
}

// report returns a workload's report once its images are scanned and
// check returns nil for it.
func report(t *testing.T, ns, name string, check func(*WorkloadReport) error) *WorkloadReport {
	t.Helper()
	var rep WorkloadReport
	eventually(t, 2*time.Minute, func() error {
		if err := kc.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &rep); err != nil {
			return err
		}
		if rep.Status.Digest == "" {
			return fmt.Errorf("report %s/%s has no status yet", ns, name)
		}
		for _, im := range rep.Status.Images {
			if im.State == imagePending {
				return fmt.Errorf("report %s/%s: image %s pending", ns, name, im.Ref)
			}
		}
		if check != nil {
			return check(&rep)
		}
		return nil
	})
	return &rep
}

// expected computes what a report should count: the findings `fourc k8s`
// gives the workload plus those of scanning its image.
func expected(t *testing.T, ns, kind, name, img string) Counts {
	t.Helper()
	res, err := cluster.Scan(context.Background(), cluster.Options{Kubeconfig: env.Kubeconfig, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	var fs []finding.Finding
	for _, f := range res.Findings {
		if f.Resource == (finding.Resource{Kind: kind, Name: ns + "/" + name}) {
			fs = append(fs, f)
		}
	}
	ir, err := image.Scan(context.Background(), img, image.Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return counts(append(fs, ir.Findings...))
}

// strictDecode reads a report as the API server stores it and decodes
// it into the Go type, refusing unknown fields: the schema and the types
// agree.
func strictDecode(t *testing.T, ns, name string) {
	t.Helper()
	var u unstructured.Unstructured
	u.SetGroupVersionKind(GroupVersion.WithKind("WorkloadReport"))
	if err := kc.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &u); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeReport(data); err != nil {
		t.Errorf("report %s/%s: %v", ns, name, err)
	}
}

func TestInProcessReports(t *testing.T) {
	ctx := context.Background()
	reg := imagetest.Registry(t)
	img := reg + "/shop/api:1.0"
	push(t, img, testImage(t, "api"))
	const ns = "inproc"
	namespace(t, ns)
	metricsAddr, healthAddr := freeAddr(t), freeAddr(t)
	start(t, Options{ScanMode: ModeInProcess, Namespaces: []string{ns}, InsecureRegistry: true, MaxConcurrentScans: 2,
		MetricsAddr: metricsAddr, HealthAddr: healthAddr})
	risky, hardened := riskyDeployment(ns, "risky", img), hardenedDeployment(ns, "hardened", img)
	for _, d := range []*appsv1.Deployment{risky, hardened} {
		if err := kc.Create(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	rr := report(t, ns, "deployment-risky", nil)
	t.Logf("risky: %+v score %d images %+v", rr.Status.Counts, rr.Status.Score, rr.Status.Images)
	hr := report(t, ns, "deployment-hardened", nil)
	t.Logf("hardened: %+v score %d top %+v", hr.Status.Counts, hr.Status.Score, hr.Status.TopFindings)
	if got, want := rr.Status.Counts, expected(t, ns, "Deployment", "risky", img); got != want {
		t.Errorf("risky counts = %+v, want %+v (fourc k8s + fourc image)", got, want)
	}
	if got, want := hr.Status.Counts, expected(t, ns, "Deployment", "hardened", img); got != want {
		t.Errorf("hardened counts = %+v, want %+v", got, want)
	}
	if rr.Status.Counts.Critical+rr.Status.Counts.High == 0 || rr.Status.Score >= hr.Status.Score {
		t.Errorf("risky (%+v, score %d) should be worse than hardened (%+v, score %d)", rr.Status.Counts, rr.Status.Score, hr.Status.Counts, hr.Status.Score)
	}
	if len(rr.Status.Images) != 1 || rr.Status.Images[0].State != imageScanned || !strings.HasPrefix(rr.Status.Images[0].Digest, "sha256:") {
		t.Errorf("risky images = %+v, want one scanned with its digest", rr.Status.Images)
	}
	if len(rr.OwnerReferences) != 1 || rr.OwnerReferences[0].UID != risky.UID || rr.OwnerReferences[0].Kind != "Deployment" {
		t.Errorf("owner references = %+v, want the Deployment", rr.OwnerReferences)
	}
	if rr.Status.Total != len(rr.Status.Findings) || len(rr.Status.TopFindings) == 0 {
		t.Errorf("total %d, %d findings inline, %d top", rr.Status.Total, len(rr.Status.Findings), len(rr.Status.TopFindings))
	}
	strictDecode(t, ns, "deployment-risky")
	strictDecode(t, ns, "deployment-hardened")

	var cpr ClusterPostureReport
	eventually(t, time.Minute, func() error {
		if err := kc.Get(ctx, types.NamespacedName{Name: ClusterReportName}, &cpr); err != nil {
			return err
		}
		if cpr.Status.Workloads != 2 || cpr.Status.Images != 1 || len(cpr.Status.Layers) != 4 {
			return fmt.Errorf("cluster report status %+v", cpr.Status)
		}
		return nil
	})

	t.Run("metrics", func(t *testing.T) { checkEndpoints(t, metricsAddr, healthAddr) })

	t.Run("update", func(t *testing.T) {
		var d appsv1.Deployment
		if err := kc.Get(ctx, client.ObjectKeyFromObject(risky), &d); err != nil {
			t.Fatal(err)
		}
		d.Spec.Template.Spec.HostNetwork = false
		d.Spec.Template.Spec.Containers[0].SecurityContext = nil
		if err := kc.Update(ctx, &d); err != nil {
			t.Fatal(err)
		}
		want := expected(t, ns, "Deployment", "risky", img)
		report(t, ns, "deployment-risky", func(r *WorkloadReport) error {
			if r.Status.Counts != want {
				return fmt.Errorf("counts %+v, want %+v", r.Status.Counts, want)
			}
			return nil
		})
	})

	t.Run("delete", func(t *testing.T) {
		if err := kc.Delete(ctx, hardened); err != nil {
			t.Fatal(err)
		}
		eventually(t, time.Minute, func() error {
			err := kc.Get(ctx, types.NamespacedName{Namespace: ns, Name: "deployment-hardened"}, &WorkloadReport{})
			if apierrors.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("report still there (%v)", err)
		})
	})
}

// checkEndpoints reads /metrics, /healthz and /readyz.
func checkEndpoints(t *testing.T, metricsAddr, healthAddr string) {
	body := get(t, "http://"+metricsAddr+"/metrics")
	for _, m := range []string{"fourc_posture_score{layer=\"all\",namespace=\"inproc\"}", "fourc_findings{layer=\"Cluster\",severity=\"HIGH\"}",
		"fourc_image_cache_misses_total ", "fourc_reconcile_total{controller=\"posture\",result=\"ok\"}", "fourc_image_scans_done_total",
		"fourc_image_scans{state=\"running\"} 0", "controller_runtime_reconcile_total{controller=\"workloadreport\""} {
		if !strings.Contains(body, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if got := get(t, "http://"+healthAddr+p); got != "ok" {
			t.Errorf("%s = %q", p, got)
		}
	}
}

// get fetches a URL and returns its body.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(body)
}
