package operator

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime"
)

// Hand-written deep copies: every slice is cloned; the element types
// hold only values and strings, except the layer lists of namespace
// scores and attack paths, cloned one by one.

// DeepCopyInto copies s into out.
func (s *ReportStatus) DeepCopyInto(out *ReportStatus) {
	*out = *s
	out.TopFindings = slices.Clone(s.TopFindings)
	out.Findings = slices.Clone(s.Findings)
	if s.FindingsRef != nil {
		r := *s.FindingsRef
		out.FindingsRef = &r
	}
	s.UpdatedAt.DeepCopyInto(&out.UpdatedAt)
}

// DeepCopyObject implements runtime.Object.
func (r *WorkloadReport) DeepCopyObject() runtime.Object {
	out := *r
	r.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	r.Status.ReportStatus.DeepCopyInto(&out.Status.ReportStatus)
	out.Status.Images = slices.Clone(r.Status.Images)
	return &out
}

// DeepCopyObject implements runtime.Object.
func (l *WorkloadReportList) DeepCopyObject() runtime.Object {
	out := *l
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]WorkloadReport, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*WorkloadReport)
	}
	return &out
}

// DeepCopyObject implements runtime.Object.
func (r *ClusterPostureReport) DeepCopyObject() runtime.Object {
	out := *r
	r.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	r.Status.ReportStatus.DeepCopyInto(&out.Status.ReportStatus)
	out.Status.Layers = slices.Clone(r.Status.Layers)
	out.Status.Namespaces = slices.Clone(r.Status.Namespaces)
	for i := range out.Status.Namespaces {
		out.Status.Namespaces[i].Layers = slices.Clone(out.Status.Namespaces[i].Layers)
	}
	out.Status.AttackPaths = slices.Clone(r.Status.AttackPaths)
	for i := range out.Status.AttackPaths {
		out.Status.AttackPaths[i].Layers = slices.Clone(out.Status.AttackPaths[i].Layers)
	}
	return &out
}

// DeepCopyObject implements runtime.Object.
func (l *ClusterPostureReportList) DeepCopyObject() runtime.Object {
	out := *l
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]ClusterPostureReport, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*ClusterPostureReport)
	}
	return &out
}

// DeepCopyObject implements runtime.Object.
func (r *NodeReport) DeepCopyObject() runtime.Object {
	out := *r
	r.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	r.Status.DeepCopyInto(&out.Status)
	return &out
}

// DeepCopyObject implements runtime.Object.
func (l *NodeReportList) DeepCopyObject() runtime.Object {
	out := *l
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]NodeReport, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*NodeReport)
	}
	return &out
}
