package iac

// Inspects google_compute_firewall: direction (default INGRESS), disabled,
// source_ranges (0.0.0.0/0 when no source is given), allow.protocol and
// allow.ports. Allowed: no enabled ingress rule admits 0.0.0.0/0 or ::/0
// to SSH, RDP, Kubernetes control-plane or database ports.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGCPFirewall() check.Check[*ComputeFirewall] {
	return check.Check[*ComputeFirewall]{
		Meta: cloud("FC-GCP-003", "Firewall rule exposes sensitive ports to the internet", finding.SeverityHigh,
			"SSH, RDP, Kubernetes control-plane and database ports open to 0.0.0.0/0 are scanned and attacked continuously.",
			"Restrict source_ranges to known networks, or use Identity-Aware Proxy for administrative access.",
			ref("CIS Google Cloud Platform 3.6", ""), ref("CIS Google Cloud Platform 3.7", ""),
			avd("AVD-GCP-0027"), tfsec("google", "compute", "no-public-ingress"),
			avd("AVD-GCP-0071"),
			avd("AVD-GCP-0070"),
			cwe(284)),
		Eval: func(f *ComputeFirewall) []check.Violation {
			if !f.Direction.Is("INGRESS") || !f.Disabled.Is(false) {
				return nil
			}
			src, open := openSource(f.SourceRanges)
			if !open {
				return nil
			}
			var exposed []service
			for _, a := range f.Allow {
				if !a.Protocol.Known {
					continue
				}
				switch strings.ToLower(a.Protocol.Val) {
				case "all":
					exposed = append(exposed, sensitivePorts()...)
					continue
				case "tcp", "6":
				default:
					continue
				}
				for _, p := range a.Ports.Items {
					if lo, hi, ok := parsePortRange(p.Val); p.Known && ok {
						exposed = append(exposed, inRange(sensitivePorts(), lo, hi)...)
					}
				}
			}
			if len(exposed) == 0 {
				return nil
			}
			return []check.Violation{at(&f.Block, src.Range, "source_ranges", "firewall %s admits %s to %s", f.Address, src.Val, joinServices(exposed))}
		},
	}
}
