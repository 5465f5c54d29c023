package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Annotations of a scan Job.
const (
	imageAnnotation = "fourc.dev/image"
	keyAnnotation   = "fourc.dev/key"
)

// Job settings: a failed scan is retried twice, a finished Job is
// deleted after an hour (its result is read when it completes), a scan
// may take half an hour.
const (
	jobBackoffLimit = 2
	jobTTL          = 3600
	jobDeadline     = 1800
	// jobRequeue is how long an image waits for a free slot before its
	// reconcile runs again.
	jobRequeue = 10 * time.Second
	// maxOutput bounds the output read from a Job.
	maxOutput = 64 << 20
)

// jobName is "<prefix>-<hash of key>": stable, so that a second
// reconcile finds the Job the first created.
func jobName(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + "-" + hex.EncodeToString(sum[:10])
}

// jobReconciler runs image scans as Jobs: one per digest (or reference,
// when no Pod reports a digest yet), at most max at a time, and collects
// their reports when they complete.
type jobReconciler struct {
	client    client.Client
	images    *imageCache
	posture   *postureReconciler
	metrics   *metrics
	logs      LogSource
	namespace string
	scanImage string
	// serviceAccount is the scan Jobs' service account ("" for the
	// default).
	serviceAccount string
	max            int
}

// Reconcile implements reconcile.Reconciler; the request's name is the
// image reference.
func (r *jobReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ref := req.Name
	key := r.images.digest(ref)
	if key == "" {
		key = "ref:" + ref
	}
	if _, ok := r.images.cached(ref, key); ok {
		r.metrics.cacheHits.Inc()
		r.images.done(ref)
		r.posture.trigger()
		return reconcile.Result{}, nil
	}
	var job batchv1.Job
	err := r.client.Get(ctx, types.NamespacedName{Namespace: r.namespace, Name: jobName("fourc-scan", key)}, &job)
	switch {
	case apierrors.IsNotFound(err):
		return r.start(ctx, ref, key)
	case err != nil:
		return reconcile.Result{}, fmt.Errorf("reading the scan Job of %q: %w", ref, err)
	}
	done, failed := finished(&job)
	if !done {
		r.images.started(ref)
		return reconcile.Result{}, nil // the Job's next update brings it back
	}
	res := &imageResult{Digest: key}
	if failed == "" {
		res.Findings, err = r.output(ctx, &job)
	}
	if failed != "" || err != nil {
		res.Err = failed + errText(err)
	}
	r.images.store(ref, r.images.version(), res)
	r.images.done(ref)
	r.metrics.scansDone.WithLabelValues(result(errString(res.Err))).Inc()
	r.posture.trigger()
	return reconcile.Result{}, nil
}

// errText is an error's message, or "".
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// start creates the scan Job of ref, unless max scans run already.
func (r *jobReconciler) start(ctx context.Context, ref, key string) (reconcile.Result, error) {
	n, err := activeScans(ctx, r.client, r.namespace)
	if err != nil {
		return reconcile.Result{}, err
	}
	// The cache may not hold the Jobs just created yet: the Jobs this
	// process started and has not collected count too.
	if n = max(n, r.images.runningCount(ref)); n >= r.max {
		return reconcile.Result{RequeueAfter: jobRequeue}, nil
	}
	job := imageJob(r.namespace, r.scanImage, ref, key)
	job.Spec.Template.Spec.ServiceAccountName = r.serviceAccount
	if err := r.client.Create(ctx, job); client.IgnoreAlreadyExists(err) != nil {
		return reconcile.Result{}, fmt.Errorf("creating Job %s/%s to scan %q: %w", job.Namespace, job.Name, ref, err)
	}
	r.images.started(ref)
	return reconcile.Result{}, nil
}

// output reads and parses what a finished Job printed.
func (r *jobReconciler) output(ctx context.Context, job *batchv1.Job) ([]finding.Finding, error) {
	out, err := r.logs.JobOutput(ctx, job)
	if err != nil {
		return nil, fmt.Errorf("reading the output of Job %s/%s: %w", job.Namespace, job.Name, err)
	}
	return parseReport(out, "Job "+job.Namespace+"/"+job.Name)
}

// activeScans counts the operator's unfinished Jobs in namespace, from
// the cache.
func activeScans(ctx context.Context, c client.Reader, namespace string) (int, error) {
	var jobs batchv1.JobList
	if err := c.List(ctx, &jobs, client.InNamespace(namespace), client.HasLabels{scanLabel}); err != nil {
		return 0, fmt.Errorf("listing scan Jobs in %q: %w", namespace, err)
	}
	n := 0
	for i := range jobs.Items {
		if done, _ := finished(&jobs.Items[i]); !done {
			n++
		}
	}
	return n, nil
}

// finished reports whether a Job is done and, when it failed, why.
func finished(job *batchv1.Job) (done bool, failed string) {
	for _, c := range job.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return true, ""
		case batchv1.JobFailed:
			return true, fmt.Sprintf("Job %s/%s failed: %s %s", job.Namespace, job.Name, c.Reason, c.Message)
		}
	}
	return false, ""
}

// imageJob is the Job that scans ref: `fourc image REF --format json`,
// non-root, read-only root file system, no service account token, with
// resource requests and limits.
func imageJob(namespace, scanImage, ref, key string) *batchv1.Job {
	job := scanJob(namespace, jobName("fourc-scan", key), "image", scanImage, []string{"image", ref, "--format", "json"})
	job.Annotations = map[string]string{imageAnnotation: ref, keyAnnotation: key}
	pod := &job.Spec.Template.Spec
	pod.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptrTo(true), RunAsUser: ptrTo(int64(65532)), RunAsGroup: ptrTo(int64(65532)),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	// Layers are spooled to /tmp: the one writable place.
	pod.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptrTo(resource.MustParse("4Gi"))}}}}
	c := &pod.Containers[0]
	c.VolumeMounts = []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
	c.Env = []corev1.EnvVar{{Name: "TMPDIR", Value: "/tmp"}, {Name: "XDG_CACHE_HOME", Value: "/tmp/cache"}}
	return job
}

// scanJob is what image and node Jobs share.
func scanJob(namespace, name, kind, scanImage string, args []string) *batchv1.Job {
	labels := map[string]string{scanLabel: kind, managedByLabel: managedBy}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels},
		Spec: batchv1.JobSpec{
			BackoffLimit:            ptrTo(int32(jobBackoffLimit)),
			TTLSecondsAfterFinished: ptrTo(int32(jobTTL)),
			ActiveDeadlineSeconds:   ptrTo(int64(jobDeadline)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: ptrTo(false),
					EnableServiceLinks:           ptrTo(false),
					Containers: []corev1.Container{{
						Name:  "fourc",
						Image: scanImage,
						Args:  args,
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")},
						},
						SecurityContext: &corev1.SecurityContext{
							ReadOnlyRootFilesystem:   ptrTo(true),
							AllowPrivilegeEscalation: ptrTo(false),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
					}},
				},
			},
		},
	}
}

func ptrTo[T any](v T) *T { return &v }

// podLogs reads a Job's output from the logs of its last Pod.
type podLogs struct{ client kubernetes.Interface }

// JobOutput implements LogSource.
func (p podLogs) JobOutput(ctx context.Context, job *batchv1.Job) ([]byte, error) {
	pods, err := p.client.CoreV1().Pods(job.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + job.Name})
	if err != nil {
		return nil, err
	}
	var last *corev1.Pod
	for i := range pods.Items {
		if pods.Items[i].Status.Phase == corev1.PodSucceeded {
			last = &pods.Items[i]
		}
	}
	if last == nil {
		return nil, errors.New("no succeeded Pod")
	}
	rc, err := p.client.CoreV1().Pods(job.Namespace).GetLogs(last.Name, &corev1.PodLogOptions{Container: "fourc", LimitBytes: ptrTo(int64(maxOutput))}).Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxOutput))
}

// jsonReport is the part of fourc's JSON report (docs/json-schema.md)
// the operator reads.
type jsonReport struct {
	SchemaVersion string            `json:"schema_version"`
	Tool          string            `json:"tool"`
	Findings      []finding.Finding `json:"findings"`
}

// parseReport reads the JSON report of `fourc image|host --format json`
// from a Job's output, which may hold other lines (warnings on stderr)
// before it: the report is the first line that starts a JSON object fourc
// wrote. what names the Job in errors.
func parseReport(out []byte, what string) ([]finding.Finding, error) {
	if len(out) > maxOutput {
		return nil, fmt.Errorf("parsing the report of %s: %d bytes, more than %d", what, len(out), maxOutput)
	}
	var firstErr error
	for start := 0; start < len(out); {
		end := len(out)
		if i := bytes.IndexByte(out[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		if out[start] == '{' {
			var rep jsonReport
			err := json.NewDecoder(bytes.NewReader(out[start:])).Decode(&rep)
			if err == nil && rep.Tool == "fourc" {
				return rep.Findings, nil
			}
			if err == nil {
				err = fmt.Errorf("tool %q, not fourc", rep.Tool)
			}
			firstErr = cmpErr(firstErr, err)
		}
		start = end
	}
	if firstErr == nil {
		firstErr = errors.New("no JSON report in the output")
	}
	return nil, fmt.Errorf("parsing the report of %s: %w", what, firstErr)
}

// cmpErr keeps the first error.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
