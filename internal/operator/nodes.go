package operator

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/fourc-dev/fourc/internal/posture"
)

// nodeLabel names the node of a node scan Job.
const nodeLabel = "fourc.dev/node"

// nodeReconciler keeps one NodeReport per Node: a Job pinned to the node
// runs `fourc host /host --format json` with the node's root file system
// mounted read-only at /host, and its report becomes the NodeReport
// (owned by the Node). A node is scanned once; delete its NodeReport to
// scan it again.
type nodeReconciler struct {
	client    client.Client
	metrics   *metrics
	logs      LogSource
	namespace string
	scanImage string
	// serviceAccount is the node Jobs' service account ("" for the
	// default).
	serviceAccount string
	max            int
}

// Reconcile implements reconcile.Reconciler; the request is the Node.
func (r *nodeReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var node corev1.Node
	if err := r.client.Get(ctx, req.NamespacedName, &node); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	var rep NodeReport
	err := r.client.Get(ctx, types.NamespacedName{Name: node.Name}, &rep)
	if err == nil && rep.Status.Digest != "" {
		return reconcile.Result{}, nil
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return reconcile.Result{}, fmt.Errorf("reading NodeReport %q: %w", node.Name, err)
	}
	var job batchv1.Job
	err = r.client.Get(ctx, types.NamespacedName{Namespace: r.namespace, Name: jobName("fourc-node", node.Name)}, &job)
	switch {
	case apierrors.IsNotFound(err):
		return r.start(ctx, &node)
	case err != nil:
		return reconcile.Result{}, fmt.Errorf("reading the scan Job of node %q: %w", node.Name, err)
	}
	done, failed := finished(&job)
	switch {
	case !done:
		return reconcile.Result{}, nil
	case failed != "":
		r.metrics.scansDone.WithLabelValues("error").Inc()
		return reconcile.Result{}, nil
	}
	out, err := r.logs.JobOutput(ctx, &job)
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("reading the output of Job %s/%s (node %q): %w", job.Namespace, job.Name, node.Name, err)
	}
	fs, err := parseReport(out, fmt.Sprintf("Job %s/%s (node %q)", job.Namespace, job.Name, node.Name))
	if err != nil {
		r.metrics.scansDone.WithLabelValues("error").Inc()
		return reconcile.Result{}, nil // a report that cannot be read is not retried
	}
	r.metrics.scansDone.WithLabelValues("ok").Inc()
	score := posture.Analyze(posture.Input{Findings: fs}, posture.Options{}).Overall().Score
	return reconcile.Result{}, r.write(ctx, &node, &rep, buildStatus(fs, score))
}

// write creates the NodeReport (owned by the Node) if needed and sets
// its status.
func (r *nodeReconciler) write(ctx context.Context, node *corev1.Node, rep *NodeReport, b built) error {
	if rep.UID == "" {
		*rep = NodeReport{
			ObjectMeta: metav1.ObjectMeta{Name: node.Name, Labels: map[string]string{managedByLabel: managedBy},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}}},
			Spec: NodeReportSpec{NodeName: node.Name},
		}
		if err := r.client.Create(ctx, rep); err != nil {
			return fmt.Errorf("creating NodeReport %q: %w", node.Name, err)
		}
	}
	ref, err := writeOverflow(ctx, r.client, rep, r.namespace, b.overflow)
	if err != nil {
		return err
	}
	b.status.Digest = digestOf(b.status)
	b.status.FindingsRef, b.status.UpdatedAt = ref, metav1.Now()
	rep.Status = b.status
	if err := r.client.Status().Update(ctx, rep); err != nil {
		return fmt.Errorf("updating the status of NodeReport %q: %w", node.Name, err)
	}
	return nil
}

// nodeJob is the Job that audits a node: pinned to it (nodeName),
// tolerating every taint, with the node's root file system mounted
// read-only at /host, running `fourc host /host --format json`. It runs
// as root (to read the node's files) but cannot write them or its own
// root file system, holds no capability and no service account token.
func nodeJob(namespace, scanImage string, node *corev1.Node) *batchv1.Job {
	job := scanJob(namespace, jobName("fourc-node", node.Name), "node", scanImage, []string{"host", "/host", "--format", "json"})
	job.Labels[nodeLabel] = node.Name
	job.Annotations = map[string]string{nodeLabel: node.Name}
	job.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}}
	pod := &job.Spec.Template.Spec
	pod.NodeName = node.Name
	pod.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
	pod.SecurityContext = &corev1.PodSecurityContext{RunAsUser: ptrTo(int64(0)),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	pod.Volumes = []corev1.Volume{
		{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/", Type: ptrTo(corev1.HostPathDirectory)}}},
		{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	c := &pod.Containers[0]
	c.VolumeMounts = []corev1.VolumeMount{{Name: "host", MountPath: "/host", ReadOnly: true}, {Name: "tmp", MountPath: "/tmp"}}
	c.Env = []corev1.EnvVar{{Name: "TMPDIR", Value: "/tmp"}, {Name: "XDG_CACHE_HOME", Value: "/tmp/cache"}}
	return job
}

// start creates the scan Job of a node, unless max scans run already.
func (r *nodeReconciler) start(ctx context.Context, node *corev1.Node) (reconcile.Result, error) {
	n, err := activeScans(ctx, r.client, r.namespace)
	if err != nil {
		return reconcile.Result{}, err
	}
	if n >= r.max {
		return reconcile.Result{RequeueAfter: jobRequeue}, nil
	}
	job := nodeJob(r.namespace, r.scanImage, node)
	job.Spec.Template.Spec.ServiceAccountName = r.serviceAccount
	if err := r.client.Create(ctx, job); client.IgnoreAlreadyExists(err) != nil {
		return reconcile.Result{}, fmt.Errorf("creating Job %s/%s to scan node %q: %w", job.Namespace, job.Name, node.Name, err)
	}
	return reconcile.Result{}, nil
}
