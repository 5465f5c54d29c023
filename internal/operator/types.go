package operator

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group and Version of the report kinds; deploy/helm/fourc/crds/ holds
// their CustomResourceDefinitions.
const (
	Group   = "fourc.dev"
	Version = "v1alpha1"
)

// GroupVersion is fourc.dev/v1alpha1.
var GroupVersion = schema.GroupVersion{Group: Group, Version: Version}

// AddToScheme registers the report kinds with a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&WorkloadReport{}, &WorkloadReportList{},
		&ClusterPostureReport{}, &ClusterPostureReportList{},
		&NodeReport{}, &NodeReportList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// Counts are findings by severity.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	// Other counts INFO and UNKNOWN findings.
	Other int `json:"other"`
}

// FindingSummary is one finding as a report shows it.
type FindingSummary struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Layer    string `json:"layer,omitempty"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
}

// FindingsRef names the ConfigMap that holds a report's findings when
// they are too many or too large for the object (see [maxInline]).
type FindingsRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Key       string `json:"key"`
}

// ReportStatus is what every report kind holds: counts, score, the top
// findings and either every finding or a reference to them.
type ReportStatus struct {
	Counts Counts `json:"counts"`
	// Score is 0–100, 100 meaning nothing found (docs/posture.md).
	Score int `json:"score"`
	// Total is the number of findings.
	Total       int              `json:"total"`
	TopFindings []FindingSummary `json:"topFindings,omitempty"`
	// Findings are every finding, unless FindingsRef is set.
	Findings    []FindingSummary `json:"findings,omitempty"`
	FindingsRef *FindingsRef     `json:"findingsRef,omitempty"`
	// Digest is a hash of the findings: unchanged, the report is not
	// rewritten.
	Digest    string      `json:"digest"`
	UpdatedAt metav1.Time `json:"updatedAt"`
}

// WorkloadRef names the workload a WorkloadReport is about.
type WorkloadRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}

// ImageStatus is the scan state of one image a workload runs.
type ImageStatus struct {
	Ref    string `json:"ref"`
	Digest string `json:"digest,omitempty"`
	// State is "scanned", "pending" or "failed".
	State  string `json:"state"`
	Counts Counts `json:"counts"`
}

// WorkloadReportSpec names the workload.
type WorkloadReportSpec struct {
	Workload WorkloadRef `json:"workload"`
}

// WorkloadReportStatus is a ReportStatus plus the workload's images.
type WorkloadReportStatus struct {
	ReportStatus `json:",inline"`
	Images       []ImageStatus `json:"images,omitempty"`
}

// WorkloadReport is the findings of one workload: its own (Cluster
// layer) and those of the images it runs (Container layer).
type WorkloadReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              WorkloadReportSpec   `json:"spec"`
	Status            WorkloadReportStatus `json:"status,omitempty"`
}

// WorkloadReportList is a list of WorkloadReports.
type WorkloadReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WorkloadReport `json:"items"`
}

// LayerScore is one layer's score.
type LayerScore struct {
	Layer    string `json:"layer"`
	Score    int    `json:"score"`
	Assessed bool   `json:"assessed"`
}

// NamespaceScore is the overall score of one namespace.
type NamespaceScore struct {
	Namespace string       `json:"namespace"`
	Score     int          `json:"score"`
	Layers    []LayerScore `json:"layers,omitempty"`
}

// AttackPath is one attack path of the cross-layer graph.
type AttackPath struct {
	ID       string   `json:"id"`
	Rule     string   `json:"rule"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Layers   []string `json:"layers,omitempty"`
	Fix      string   `json:"fix,omitempty"`
}

// ClusterPostureStatus is the whole cluster's posture.
type ClusterPostureStatus struct {
	ReportStatus `json:",inline"`
	Layers       []LayerScore     `json:"layers,omitempty"`
	Namespaces   []NamespaceScore `json:"namespaces,omitempty"`
	AttackPaths  []AttackPath     `json:"attackPaths,omitempty"`
	Workloads    int              `json:"workloads"`
	Images       int              `json:"images"`
	// ImagesScanned counts the images with a scan result (or failure).
	ImagesScanned int `json:"imagesScanned"`
	// NotEvaluated names what the operator may not read (say, Secrets
	// without operator.secretMetadata) and so the checks it skipped.
	NotEvaluated []string `json:"notEvaluated,omitempty"`
}

// ClusterPostureReport is the cluster-wide posture; there is one, named
// "cluster".
type ClusterPostureReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Status            ClusterPostureStatus `json:"status,omitempty"`
}

// ClusterPostureReportList is a list of ClusterPostureReports.
type ClusterPostureReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterPostureReport `json:"items"`
}

// NodeReportSpec names the node.
type NodeReportSpec struct {
	NodeName string `json:"nodeName"`
}

// NodeReport is the findings of `fourc host` on one node.
type NodeReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              NodeReportSpec `json:"spec"`
	Status            ReportStatus   `json:"status,omitempty"`
}

// NodeReportList is a list of NodeReports.
type NodeReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NodeReport `json:"items"`
}
