package kube

// FC-K8S-005 inspects securityContext.readOnlyRootFilesystem of every
// container (init, regular, ephemeral); anything but true fails. Windows
// pods (spec.os.name: windows) are skipped: Windows does not support it.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkReadOnlyRootFilesystem() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-005", "Container root filesystem is writable", finding.SeverityMedium,
			"A writable root filesystem lets an attacker drop tools and modify binaries inside the container.",
			"Set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes where the application must write.",
			refNSA(), ref("CIS Kubernetes 5.7.3")),
		Eval: func(w *Workload) []check.Violation {
			if os := w.PodSpec.OS; os != nil && os.Name == corev1.Windows {
				return nil
			}
			var out []check.Violation
			for c := range w.Containers() {
				if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s must set securityContext.readOnlyRootFilesystem=true", c),
					Field:         c.Path("securityContext.readOnlyRootFilesystem"),
					Discriminator: c.Name,
				})
			}
			return out
		},
	}
}
