package finding

import "strings"

// Environment is what a scan learned about the system it judged and the
// yardstick it used: the Kubernetes platform and version, and the CIS
// benchmark version chosen for them. A field is empty when the scan did
// not learn it.
type Environment struct {
	// Platform names the Kubernetes distribution or service: "kubeadm",
	// "Amazon EKS", "K3s"; "unknown" when the scan looked and found no sign.
	Platform string `json:"platform,omitempty"`
	// PlatformEvidence is what gave the platform away, e.g. "node label
	// node-role.kubernetes.io/control-plane".
	PlatformEvidence string `json:"platform_evidence,omitempty"`
	// KubernetesVersion is the version judged, e.g. "v1.37.2".
	KubernetesVersion string `json:"kubernetes_version,omitempty"`
	// Benchmark is the CIS benchmark version used, e.g. "CIS Kubernetes
	// Benchmark v2.0.1".
	Benchmark string `json:"benchmark,omitempty"`
}

// IsZero reports whether the scan learned nothing of its environment.
func (e Environment) IsZero() bool { return e == Environment{} }

// String is the environment on one line: "platform kubeadm (node label
// …) · Kubernetes v1.37.2 · CIS Kubernetes Benchmark v2.0.1".
func (e Environment) String() string {
	var parts []string
	if e.Platform != "" {
		p := "platform " + e.Platform
		if e.PlatformEvidence != "" {
			p += " (" + e.PlatformEvidence + ")"
		}
		parts = append(parts, p)
	}
	if e.KubernetesVersion != "" {
		parts = append(parts, "Kubernetes "+e.KubernetesVersion)
	}
	if e.Benchmark != "" {
		parts = append(parts, e.Benchmark)
	}
	return strings.Join(parts, " · ")
}
