package kube

import (
	"fmt"
	"iter"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Workload is an object that runs pods (Pod, Deployment, StatefulSet,
// DaemonSet, ReplicaSet, Job, CronJob, ReplicationController), normalised
// to its pod template so that one check covers every kind.
type Workload struct {
	*Object
	// PodMeta and PodSpec are the pod template's metadata and spec (the
	// Pod's own for a Pod). They point into Object.Typed.
	PodMeta *metav1.ObjectMeta
	PodSpec *corev1.PodSpec
	// Template is the field path of the pod template inside the object:
	// "" for a Pod, "spec.template" for a Deployment,
	// "spec.jobTemplate.spec.template" for a CronJob.
	Template string

	ns *Namespace
}

// NewWorkload returns the workload view of o, or false when o does not run
// pods.
func NewWorkload(o *Object) (*Workload, bool) {
	w := &Workload{Object: o, Template: "spec.template"}
	switch t := o.Typed.(type) {
	case *corev1.Pod:
		w.PodMeta, w.PodSpec, w.Template = &t.ObjectMeta, &t.Spec, ""
	case *appsv1.Deployment:
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	case *appsv1.StatefulSet:
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	case *appsv1.DaemonSet:
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	case *appsv1.ReplicaSet:
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	case *batchv1.Job:
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	case *batchv1.CronJob:
		w.PodMeta, w.PodSpec = &t.Spec.JobTemplate.Spec.Template.ObjectMeta, &t.Spec.JobTemplate.Spec.Template.Spec
		w.Template = "spec.jobTemplate.spec.template"
	case *corev1.ReplicationController:
		if t.Spec.Template == nil {
			return nil, false // invalid: the API server requires a template
		}
		w.PodMeta, w.PodSpec = &t.Spec.Template.ObjectMeta, &t.Spec.Template.Spec
	default:
		return nil, false
	}
	return w, true
}

// Field turns a path relative to the pod template ("spec.containers[0]",
// "metadata.annotations") into a path from the object's root.
func (w *Workload) Field(rel string) string { return joinField(w.Template, rel) }

// Namespace returns the namespace the workload runs in, as seen by its
// set; nil before [NewSet].
func (w *Workload) Namespace() *Namespace { return w.ns }

// RunsToCompletion reports whether the workload's pods are meant to exit
// (Jobs, CronJobs, pods with restartPolicy Never or OnFailure).
func (w *Workload) RunsToCompletion() bool {
	switch w.Kind {
	case "Job", "CronJob":
		return true
	}
	return w.PodSpec.RestartPolicy == corev1.RestartPolicyNever || w.PodSpec.RestartPolicy == corev1.RestartPolicyOnFailure
}

// ContainerKind tells init, regular and ephemeral containers apart.
type ContainerKind int

// The three kinds of containers of a pod.
const (
	InitContainer ContainerKind = iota + 1
	RegularContainer
	EphemeralContainer
)

// Container is one container of a workload's pod template, with the field
// path that locates it.
type Container struct {
	*corev1.Container
	Kind ContainerKind
	// Index is the container's position in its list.
	Index int
	// Field is the container's path from the object's root, e.g.
	// "spec.template.spec.initContainers[0]".
	Field string
}

// Path returns the path of a field inside the container, e.g.
// c.Path("securityContext.privileged").
func (c Container) Path(rel string) string { return joinField(c.Field, rel) }

// String names the container for messages: `container "api"`,
// `init container "migrate"`, `ephemeral container "debug"`.
func (c Container) String() string {
	switch c.Kind {
	case InitContainer:
		return fmt.Sprintf("init container %q", c.Name)
	case EphemeralContainer:
		return fmt.Sprintf("ephemeral container %q", c.Name)
	}
	return fmt.Sprintf("container %q", c.Name)
}

// Containers visits every container of the pod template: init, regular and
// ephemeral, in that order. Checks iterate over this so that none forgets
// a kind of container.
func (w *Workload) Containers() iter.Seq[Container] {
	return func(yield func(Container) bool) {
		s := w.PodSpec
		for i := range s.InitContainers {
			if !yield(Container{&s.InitContainers[i], InitContainer, i, w.Field(fieldIndex("spec.initContainers", i))}) {
				return
			}
		}
		for i := range s.Containers {
			if !yield(Container{&s.Containers[i], RegularContainer, i, w.Field(fieldIndex("spec.containers", i))}) {
				return
			}
		}
		for i := range s.EphemeralContainers {
			c := (*corev1.Container)(&s.EphemeralContainers[i].EphemeralContainerCommon)
			if !yield(Container{c, EphemeralContainer, i, w.Field(fieldIndex("spec.ephemeralContainers", i))}) {
				return
			}
		}
	}
}
