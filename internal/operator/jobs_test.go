package operator

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/fourc-dev/fourc/internal/finding"
)

// cannedLogs plays the kubelet: the output of every finished Job is a
// fourc JSON report with one HIGH finding, after a warning line.
type cannedLogs struct {
	mu   sync.Mutex
	read []string
}

func (c *cannedLogs) JobOutput(_ context.Context, job *batchv1.Job) ([]byte, error) {
	c.mu.Lock()
	c.read = append(c.read, job.Name)
	c.mu.Unlock()
	rep := jsonReport{SchemaVersion: "1", Tool: "fourc", Findings: []finding.Finding{{
		CheckID: "FC-IMG-006", Title: "Image OS release is past its end of support", Severity: finding.SeverityHigh,
		Layer: finding.LayerContainer, Resource: finding.Resource{Kind: "image", Name: job.Name},
		Message: "alpine 3.12.0 reached its end of support", Fingerprint: "fp-" + job.Name,
	}}}
	data, err := json.MarshalIndent(rep, "", "  ")
	return append([]byte("fourc: warning: no vulnerability database\n"), data...), err
}

// complete marks a Job finished as the Job controller would.
func complete(t *testing.T, job *batchv1.Job) {
	t.Helper()
	now := metav1.Now()
	job.Status.StartTime, job.Status.CompletionTime, job.Status.Succeeded = &now, &now, 1
	job.Status.Conditions = []batchv1.JobCondition{
		{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: now, LastProbeTime: now},
		{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now, LastProbeTime: now},
	}
	if err := kc.Status().Update(context.Background(), job); err != nil {
		t.Fatalf("completing Job %s: %v", job.Name, err)
	}
}

// scanJobs lists the operator's Jobs of one kind in namespace.
func scanJobs(t *testing.T, ns, kind string) []batchv1.Job {
	t.Helper()
	var jobs batchv1.JobList
	if err := kc.List(context.Background(), &jobs, client.InNamespace(ns), client.MatchingLabels{scanLabel: kind}); err != nil {
		t.Fatal(err)
	}
	sort.Slice(jobs.Items, func(i, j int) bool { return jobs.Items[i].Name < jobs.Items[j].Name })
	return jobs.Items
}

func TestJobMode(t *testing.T) {
	ctx := context.Background()
	const ns, jobNS = "jobmode", "fourc-jobs"
	namespace(t, ns)
	namespace(t, jobNS)
	logs := &cannedLogs{}
	start(t, Options{ScanMode: ModeJob, ScanImage: "ghcr.io/fourc-dev/fourc:test", MaxConcurrentScans: 2, Namespaces: []string{ns},
		JobNamespace: jobNS, Logs: logs, ScanServiceAccount: "fourc-scan"})
	images := []string{"registry.example/a:1", "registry.example/b:1", "registry.example/c:1", "registry.example/d:1"}
	for i, img := range images {
		if err := kc.Create(ctx, deployment(ns, fmt.Sprintf("app%d", i), img)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, time.Minute, func() error {
		if n := len(scanJobs(t, jobNS, "image")); n != 2 {
			return fmt.Errorf("%d scan Jobs, want 2", n)
		}
		return nil
	})
	// The limit holds: no third Job while two run.
	time.Sleep(2 * time.Second)
	jobs := scanJobs(t, jobNS, "image")
	if len(jobs) != 2 {
		t.Fatalf("%d scan Jobs with --max-concurrent-scans 2", len(jobs))
	}
	checkImageJob(t, &jobs[0])

	for completed := 0; completed < len(images); {
		jobs = scanJobs(t, jobNS, "image")
		if active, _ := activeScans(ctx, kc, jobNS); active > 2 {
			t.Fatalf("%d scan Jobs run with --max-concurrent-scans 2", active)
		}
		for i := range jobs {
			if f, _ := finished(&jobs[i]); !f {
				complete(t, &jobs[i])
				completed++
			}
		}
		eventually(t, time.Minute, func() error {
			if n := len(scanJobs(t, jobNS, "image")); n <= completed && completed < len(images) {
				return fmt.Errorf("%d Jobs after %d completed", n, completed)
			}
			return nil
		})
	}
	for i, img := range images {
		report(t, ns, fmt.Sprintf("deployment-app%d", i), func(r *WorkloadReport) error {
			if len(r.Status.Images) != 1 || r.Status.Images[0].Ref != img || r.Status.Images[0].Counts.High != 1 {
				return fmt.Errorf("images %+v, want %s with one HIGH finding", r.Status.Images, img)
			}
			return nil
		})
	}
	if len(logs.read) != len(images) {
		t.Errorf("read the output of %d Jobs, want %d (one per image): %v", len(logs.read), len(images), logs.read)
	}
}

// checkImageJob asserts what every scan Job must be: the scan command,
// requests and limits, non-root, read-only root file system, no token,
// bounded retries and lifetime.
func checkImageJob(t *testing.T, job *batchv1.Job) {
	t.Helper()
	spec := job.Spec.Template.Spec
	c := spec.Containers[0]
	ref := job.Annotations[imageAnnotation]
	if want := []string{"image", ref, "--format", "json"}; fmt.Sprint(c.Args) != fmt.Sprint(want) || c.Image != "ghcr.io/fourc-dev/fourc:test" {
		t.Errorf("container %s %v, want the scan image running %v", c.Image, c.Args, want)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if c.Resources.Requests.Name(r, "").IsZero() || c.Resources.Limits.Name(r, "").IsZero() {
			t.Errorf("no %s request or limit: %+v", r, c.Resources)
		}
	}
	sc := c.SecurityContext
	if sc == nil || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation || len(sc.Capabilities.Drop) != 1 {
		t.Errorf("container security context %+v", sc)
	}
	if psc := spec.SecurityContext; psc == nil || !*psc.RunAsNonRoot || *psc.RunAsUser == 0 {
		t.Errorf("pod security context %+v, want non-root", psc)
	}
	if spec.ServiceAccountName != "fourc-scan" {
		t.Errorf("service account %q, want --scan-service-account's fourc-scan", spec.ServiceAccountName)
	}
	if *spec.AutomountServiceAccountToken || spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("token mounted or restart policy %s", spec.RestartPolicy)
	}
	if *job.Spec.BackoffLimit != jobBackoffLimit || *job.Spec.TTLSecondsAfterFinished != jobTTL || job.Spec.ActiveDeadlineSeconds == nil {
		t.Errorf("backoffLimit %d, ttl %d", *job.Spec.BackoffLimit, *job.Spec.TTLSecondsAfterFinished)
	}
}

func TestNodeScans(t *testing.T) {
	ctx := context.Background()
	const jobNS = "fourc-nodes"
	namespace(t, jobNS)
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", Labels: map[string]string{"kubernetes.io/os": "linux"}}}
	if err := kc.Create(ctx, node); err != nil {
		t.Fatal(err)
	}
	logs := &cannedLogs{}
	t.Setenv("FOURC_NODE_SCAN_SERVICE_ACCOUNT", "fourc-node-scan")
	start(t, Options{ScanMode: ModeInProcess, NodeScans: true, ScanImage: "ghcr.io/fourc-dev/fourc:test", MaxConcurrentScans: 1,
		Namespaces: []string{"nothing-here"}, JobNamespace: jobNS, Logs: logs})
	var job batchv1.Job
	eventually(t, time.Minute, func() error {
		jobs := scanJobs(t, jobNS, "node")
		if len(jobs) != 1 {
			return fmt.Errorf("%d node Jobs", len(jobs))
		}
		job = jobs[0]
		return nil
	})
	spec := job.Spec.Template.Spec
	if spec.ServiceAccountName != "fourc-node-scan" || spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("service account %q (token %v), want $FOURC_NODE_SCAN_SERVICE_ACCOUNT's fourc-node-scan without token", spec.ServiceAccountName, spec.AutomountServiceAccountToken)
	}
	if spec.NodeName != node.Name {
		t.Errorf("nodeName %q, want %q", spec.NodeName, node.Name)
	}
	if c := spec.Containers[0]; fmt.Sprint(c.Args) != "[host /host --format json]" {
		t.Errorf("args %v", c.Args)
	}
	var hostRO bool
	for _, v := range spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		for _, m := range spec.Containers[0].VolumeMounts {
			if m.Name == v.Name && v.HostPath.Path == "/" && m.MountPath == "/host" && m.ReadOnly {
				hostRO = true
			}
		}
	}
	if !hostRO {
		t.Errorf("the node's / is not mounted read-only at /host: volumes %+v, mounts %+v", spec.Volumes, spec.Containers[0].VolumeMounts)
	}
	if sc := spec.Containers[0].SecurityContext; !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation {
		t.Errorf("security context %+v", sc)
	}
	complete(t, &job)
	eventually(t, time.Minute, func() error {
		var rep NodeReport
		if err := kc.Get(ctx, types.NamespacedName{Name: node.Name}, &rep); err != nil {
			return err
		}
		if rep.Status.Counts.High != 1 || rep.Spec.NodeName != node.Name || rep.OwnerReferences[0].UID != node.UID {
			return fmt.Errorf("NodeReport %+v", rep)
		}
		return nil
	})
}
