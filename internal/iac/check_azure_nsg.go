package iac

// Inspects azurerm_network_security_rule and inline security_rule blocks:
// direction, access, protocol, source_address_prefix(es) and
// destination_port_range(s). Allowed: no Inbound Allow rule from *,
// Internet, Any or 0.0.0.0/0 to SSH, RDP, Kubernetes control-plane or
// database ports.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzureNSG() check.Check[*NetworkSecurityRule] {
	return check.Check[*NetworkSecurityRule]{
		Meta: cloud("FC-AZ-004", "Network security rule exposes sensitive ports to the internet", finding.SeverityHigh,
			"SSH, RDP, Kubernetes control-plane and database ports open to any source are scanned and attacked continuously.",
			"Restrict source_address_prefix to known networks, or use Azure Bastion for administrative access.",
			ref("CIS Microsoft Azure Foundations 6.1", ""), ref("CIS Microsoft Azure Foundations 6.2", ""),
			avd("AVD-AZU-0050"), tfsec("azure", "network", "ssh-blocked-from-internet"),
			avd("AVD-AZU-0048"), tfsec("azure", "network", "disable-rdp-from-internet"),
			avd("AVD-AZU-0074"),
			cwe(284)),
		Eval: func(r *NetworkSecurityRule) []check.Violation {
			if !r.Direction.Known || !strings.EqualFold(r.Direction.Val, "Inbound") || !r.Access.Known || !strings.EqualFold(r.Access.Val, "Allow") || !r.Protocol.Known {
				return nil
			}
			if p := strings.ToLower(r.Protocol.Val); p != "*" && p != "tcp" {
				return nil
			}
			src, open := openSource(r.Sources, "*", "0.0.0.0", "0.0.0.0/0", "::/0", "Internet", "Any")
			if !open {
				return nil
			}
			var exposed []service
			for _, p := range r.Ports.Items {
				if lo, hi, ok := parsePortRange(p.Val); p.Known && ok {
					exposed = append(exposed, inRange(sensitivePorts(), lo, hi)...)
				}
			}
			if len(exposed) == 0 {
				return nil
			}
			return []check.Violation{at(&r.Block, src.Range, "source_address_prefix", "security rule %q of %s admits %s to %s", r.Name.Val, r.Address, src.Val, joinServices(exposed))}
		},
	}
}
