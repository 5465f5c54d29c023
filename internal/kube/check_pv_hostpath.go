package kube

// FC-K8S-214 inspects spec.hostPath, spec.local and spec.claimRef of
// PersistentVolumes. A PersistentVolume is cluster-scoped; the namespace
// that uses it is its claimRef's. A hostPath PersistentVolume fails unless
// it is bound (claimRef) to kube-system, kube-public or kube-node-lease; a
// local PersistentVolume fails under the same condition when its path is
// one of the node's sensitive paths (see FC-K8S-001). An unbound volume
// fails too: any namespace can claim it.
//
// Severity HIGH: the Pod Security Standards forbid hostPath volumes in
// pods (baseline), but a PersistentVolume of type hostPath reaches the
// node's file system through a claim, which no Pod Security check sees.
// Trivy (KSV023) rates hostPath volumes MEDIUM and Kubescape (C-0048) HIGH;
// fourc follows Kubescape because this path also bypasses admission.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPersistentVolumeHostPath() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-K8S-214", "PersistentVolume exposes the node's file system to a namespace", finding.SeverityHigh,
			"A hostPath (or local, on a sensitive path) PersistentVolume gives the pods of whichever namespace claims it the node's files, bypassing the Pod Security Standards, which only look at a pod's own volumes. Trivy rates hostPath volumes MEDIUM and Kubescape HIGH; fourc follows Kubescape because this route also escapes admission.",
			"Use a CSI driver or local volumes on dedicated disks; bind any hostPath PersistentVolume to a system namespace with claimRef, and forbid creating PersistentVolumes outside the platform team.",
			ref("Pod Security Standards: baseline, HostPath Volumes"), refNSA()),
		Eval: func(o *Object) []check.Violation {
			pv, ok := o.Typed.(*corev1.PersistentVolume)
			if !ok {
				return nil
			}
			var kind, p, field string
			switch {
			case pv.Spec.HostPath != nil:
				kind, p, field = "hostPath", pv.Spec.HostPath.Path, "spec.hostPath.path"
			case pv.Spec.Local != nil && sensitiveHostPath(pv.Spec.Local.Path) != "":
				kind, p, field = "local", pv.Spec.Local.Path, "spec.local.path"
			default:
				return nil
			}
			who := "is not bound to a claim: any namespace can claim it"
			if r := pv.Spec.ClaimRef; r != nil {
				if systemNamespace(r.Namespace) {
					return nil
				}
				ns := r.Namespace
				if ns == "" {
					ns = "(unset)"
				}
				who = fmt.Sprintf("is bound to claim %q of namespace %q", r.Name, ns)
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s mounts the node's %s %q and %s", o, kind, p, who),
				Field:   field,
			}}
		},
	}
}
