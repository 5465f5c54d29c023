package posture

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Checks returns the catalogue of the built-in attack-path rules
// (FC-PATH-NNN), so the registry validates and documents them like every
// other check.
func Checks() []check.Meta {
	bs := builtins()
	out := make([]check.Meta, len(bs))
	for i, b := range bs {
		out[i] = check.New(b.ID, b.Title, b.Severity, b.Layer, b.Description, b.Remediation, refMITRE())
	}
	return out
}

// Checks returns the metadata of the user's rules, for the registry's
// user namespace (see [check.ValidUserID]). A rule without a description or
// remediation gets a generic one.
func (s *RuleSet) Checks() []check.Meta {
	var out []check.Meta
	for _, c := range s.compiledRules() {
		desc := c.Description
		if desc == "" {
			desc = fmt.Sprintf("A workload matches the posture rule %q: %s.", c.ID, c.When)
		}
		rem := c.Remediation
		if rem == "" {
			rem = "Change the workload so that the rule's condition no longer holds."
		}
		out = append(out, check.New(c.ID, c.Title, c.severity, finding.LayerCluster, desc, rem))
	}
	return out
}

func (s *RuleSet) compiledRules() []compiled {
	if s == nil {
		return nil
	}
	return s.rules
}

func refMITRE() finding.Reference {
	return finding.Reference{Source: "MITRE ATT&CK for Containers", URL: "https://attack.mitre.org/matrices/enterprise/containers/"}
}
