package kube

// FC-K8S-002 inspects securityContext.capabilities.add of every container
// (init, regular, ephemeral). Adding ALL, SYS_ADMIN, NET_ADMIN, NET_RAW,
// SYS_PTRACE, SYS_MODULE, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH or BPF
// fails (with or without the CAP_ prefix, in any case). NET_RAW is in the
// Pod Security baseline's allowed set, so FC-K8S-103 does not report it;
// the others are reported there too, without naming the risk.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func dangerousCapabilities() []string {
	return []string{"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "DAC_READ_SEARCH", "BPF"}
}

func checkDangerousCapabilities() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-002", "Container adds a dangerous capability", finding.SeverityHigh,
			"SYS_ADMIN, SYS_MODULE, SYS_PTRACE and similar capabilities allow breaking out of the container; NET_RAW and NET_ADMIN allow spoofing and sniffing traffic of other pods.",
			"Remove the capability from securityContext.capabilities.add and drop ALL capabilities.",
			ref("CIS Kubernetes 5.2.8"), ref("CIS Kubernetes 5.2.9"), refNSA(), ref("CWE-250")),
		Eval: func(w *Workload) []check.Violation {
			var out []check.Violation
			for c := range w.Containers() {
				sc := c.SecurityContext
				if sc == nil || sc.Capabilities == nil {
					continue
				}
				for j, cp := range sc.Capabilities.Add {
					name := strings.TrimPrefix(strings.ToUpper(string(cp)), "CAP_")
					if !slices.Contains(dangerousCapabilities(), name) {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s adds capability %s", c, name),
						Field:         c.Path(fieldIndex("securityContext.capabilities.add", j)),
						Discriminator: c.Name + "/" + name,
					})
				}
			}
			return out
		},
	}
}
