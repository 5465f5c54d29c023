package posture

import (
	"github.com/fourc-dev/fourc/internal/finding"
)

// Options tune an analysis. The zero value runs the built-in rules only.
type Options struct {
	// Rules are the user's attack-path rules (fourc.yaml posture.rules).
	Rules *RuleSet
}

// Result is the posture of one scan.
type Result struct {
	// Graph is the cross-layer graph the rest is computed from.
	Graph *Graph
	// Paths are the attack paths found, worst first.
	Paths []Path
	// Priorities hold the priority of every finding, by fingerprint.
	Priorities map[string]Priority
	// Scores are the overall score followed by one per layer, inside out.
	Scores []Score
	// Workloads are the defence-in-depth rows, by workload ID.
	Workloads []Workload
	// Notices report custom rules that could not be evaluated.
	Notices []string
}

// Analyze builds the graph of a scan and computes its attack paths,
// priorities, scores and defence-in-depth rows. The same input always
// gives the same result.
func Analyze(in Input, opts Options) *Result {
	g := Build(in)
	v := newView(g)
	var paths []Path
	for _, b := range builtins() {
		paths = append(paths, b.find(v, b.BuiltinRule)...)
	}
	custom, notices := opts.Rules.run(v)
	paths = append(paths, custom...)
	sortPaths(paths)
	prio := prioritize(v, paths)
	return &Result{
		Graph:      g,
		Paths:      paths,
		Priorities: prio,
		Scores:     scores(g, paths, prio),
		Workloads:  defence(v),
		Notices:    notices,
	}
}

// PriorityOf returns the priority of a finding, and false when the result
// does not know the finding.
func (r *Result) PriorityOf(f finding.Finding) (Priority, bool) {
	if r == nil {
		return Priority{}, false
	}
	p, ok := r.Priorities[f.Fingerprint]
	return p, ok
}

// Overall returns the overall score.
func (r *Result) Overall() Score {
	if r == nil || len(r.Scores) == 0 {
		return Score{}
	}
	return r.Scores[0]
}

// LayerScore returns the score of one layer.
func (r *Result) LayerScore(l finding.Layer) Score {
	if r != nil {
		for _, s := range r.Scores {
			if s.Layer == l {
				return s
			}
		}
	}
	return Score{Layer: l, Score: 100}
}
