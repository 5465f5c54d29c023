package posture

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Priority says how soon to fix a finding: P1 first, P4 last. It weighs
// the finding's severity with its context in the graph.
type Priority struct {
	// Level is 1 (P1, fix first) to 4 (P4).
	Level int `json:"level"`
	// Reasons explain the level in words, the severity first.
	Reasons []string `json:"reasons"`
}

// String returns "P1" … "P4", or "" for the zero value.
func (p Priority) String() string {
	if p.Level < 1 {
		return ""
	}
	return "P" + strconv.Itoa(p.Level)
}

// Reason joins the reasons into one sentence.
func (p Priority) Reason() string { return strings.Join(p.Reasons, "; ") }

// severityRank is the starting rank of a finding before its context.
func severityRank(s finding.Severity) int {
	switch s {
	case finding.SeverityCritical:
		return 4
	case finding.SeverityHigh:
		return 3
	case finding.SeverityMedium, finding.SeverityUnknown:
		return 2
	case finding.SeverityLow:
		return 1
	}
	return 0
}

// maxBonus caps what context adds to a finding's rank, so that context
// alone never makes a MEDIUM finding P1: P1 takes HIGH with two facts of
// context, or CRITICAL with one.
const maxBonus = 2

// levelOf maps a rank to a level: 5 and more is P1, 4 is P2, 3 is P3,
// less is P4.
func levelOf(rank int) int {
	switch {
	case rank >= 5:
		return 1
	case rank == 4:
		return 2
	case rank == 3:
		return 3
	}
	return 4
}

// prioritize gives every finding of the graph a priority. The rank starts
// from the finding's severity (for a vulnerability the effective one of
// vuln.Effective, which already raises a called UNKNOWN to HIGH and lowers
// one whose code is not called), CRITICAL 4, HIGH 3, MEDIUM and UNKNOWN 2,
// LOW 1, INFO 0, and moves one step for each fact of its context:
//
//   - +1 when a workload it bears on is reachable from the internet
//     (not for a vulnerability whose code is known not to be called);
//   - +1 when it is a link of an attack path;
//   - +1 for a Code or Container finding shipped into a privileged or
//     host-namespace workload, escaping which gives the node (again not
//     for a vulnerability whose code is known not to be called);
//   - +1 when three or four of the workload's layers of defence are open;
//   - −1 for a Code or Container finding no workload of the scan runs,
//     when the scan saw workloads at all.
//
// The bonuses add up to at most maxBonus (2).
func prioritize(v *view, paths []Path) map[string]Priority {
	onPath := map[string][]string{}
	for _, p := range paths {
		for _, s := range p.Steps {
			for _, f := range s.Findings {
				if !slices.Contains(onPath[f.Fingerprint], p.Rule) {
					onPath[f.Fingerprint] = append(onPath[f.Fingerprint], p.Rule)
				}
			}
		}
	}
	out := map[string]Priority{}
	for _, n := range v.g.Nodes {
		ws := v.workloadsOf(n)
		for _, f := range n.Findings {
			p := priorityOf(v, f, n, ws, onPath[f.Fingerprint])
			if old, ok := out[f.Fingerprint]; !ok || p.Level < old.Level {
				out[f.Fingerprint] = p
			}
		}
	}
	return out
}

func priorityOf(v *view, f finding.Finding, n *Node, ws []*Node, rules []string) Priority {
	sev := effectiveSeverity(f)
	base := severityRank(sev)
	bonus := 0 // what the context adds, capped at maxBonus
	var reasons []string
	if v := f.Vulnerability; v != nil && v.BaseSeverity != sev {
		reasons = append(reasons, fmt.Sprintf("%s severity (%s)", sev, v.SeverityReason))
	} else {
		reasons = append(reasons, sev.String()+" severity")
	}
	// A vulnerability whose code is known not to be called gains nothing
	// from where it runs: exposure and privilege need a way in.
	unreached := false
	if isVulnerability(f) {
		switch Reachability(f) {
		case "imported", "required":
			unreached = true
		}
	}
	if !unreached {
		for _, w := range ws {
			if v.exposed(w) {
				bonus++
				reasons = append(reasons, fmt.Sprintf("%s is reachable from the internet", w.Label()))
				break
			}
		}
	}
	if len(rules) > 0 {
		bonus++
		reasons = append(reasons, "on attack path "+strings.Join(rules, ", "))
	}
	shipped := f.Layer == finding.LayerCode || f.Layer == finding.LayerContainer
	if shipped && !unreached {
		for _, w := range ws {
			if hostAccess(w) {
				bonus++
				reasons = append(reasons, fmt.Sprintf("runs in %s, which is privileged or shares a host namespace", w.Label()))
				break
			}
		}
	}
	for _, w := range ws {
		if open := openLayers(v, w); len(open) >= 3 {
			bonus++
			names := make([]string, len(open))
			for i, l := range open {
				names[i] = l.String()
			}
			reasons = append(reasons, fmt.Sprintf("%d of 4 layers of defence are open for %s (%s)", len(open), w.Label(), strings.Join(names, ", ")))
			break
		}
	}
	rank := base + min(bonus, maxBonus)
	if unreached {
		// The severity model has already lowered the severity; say why the
		// context adds nothing.
		reasons = append(reasons, "the vulnerable code is "+Reachability(f)+" but not called")
	}
	if shipped && len(ws) == 0 && len(v.workloads) > 0 && n.Kind != "workload" {
		rank--
		reasons = append(reasons, "no workload of the scan is known to run it")
	}
	if why := encryptedByDefault(v.g, f, n); why != "" {
		rank--
		reasons = append(reasons, why)
	}
	return Priority{Level: levelOf(rank), Reasons: reasons}
}

// SortByPriority orders findings by priority (P1 first, findings without
// one last), then as [finding.Sort] does.
func SortByPriority(fs []finding.Finding, r *Result) {
	level := func(f finding.Finding) int {
		if r == nil {
			return 5
		}
		if p, ok := r.Priorities[f.Fingerprint]; ok {
			return p.Level
		}
		return 5
	}
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		return cmp.Or(cmp.Compare(level(a), level(b)), finding.Compare(a, b))
	})
}
