package posture

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Score is a 0–100 posture score (100: nothing found) with the reasons
// behind it.
type Score struct {
	// Layer is the layer scored; zero for the overall score.
	Layer finding.Layer `json:"layer,omitempty"`
	Score int           `json:"score"`
	// Assessed is false when the scan saw nothing of the layer (no asset,
	// no finding): its 100 then means "not looked at", not "clean".
	Assessed bool `json:"assessed"`
	// Penalty is the sum the score is computed from (see docs/posture.md).
	Penalty int `json:"penalty"`
	// Explanation says in words what weighs most, e.g. "Cluster 17: 4
	// attack paths (2 critical), 1 critical and 5 high findings; most
	// weight: 5 × Container has no CPU or memory limit, …".
	Explanation string `json:"explanation"`
}

// Scoring constants (docs/posture.md, "Scores").
const (
	// scoreK is the penalty at which a layer scores 50.
	scoreK = 400
	// overallK is the penalty at which the overall score is 50.
	overallK = 4 * scoreK
)

// severityWeight is a finding's weight by effective severity.
func severityWeight(s finding.Severity) int {
	switch s {
	case finding.SeverityCritical:
		return 40
	case finding.SeverityHigh:
		return 20
	case finding.SeverityMedium:
		return 8
	case finding.SeverityLow:
		return 2
	case finding.SeverityUnknown:
		return 4
	}
	return 0
}

// priorityFactor multiplies a finding's weight by its priority: P1 6,
// P2 4, P3 3, P4 2.
func priorityFactor(level int) int {
	switch level {
	case 1:
		return 6
	case 2:
		return 4
	case 3:
		return 3
	}
	return 2
}

// pathWeight is what an attack path adds to every layer it crosses.
func pathWeight(s finding.Severity) int {
	return severityWeight(s) * 6
}

// scoreOf maps a penalty to 0–100: 100·k/(k+penalty), rounded. It is 100
// for no penalty, 50 at penalty k, and falls ever more slowly; it never
// rises when the penalty grows.
func scoreOf(penalty, k int) int {
	return int(math.Round(100 * float64(k) / float64(k+penalty)))
}

// scores computes the layer scores and the overall score.
func scores(g *Graph, paths []Path, prio map[string]Priority) []Score {
	type contrib struct {
		penalty int
		count   int
	}
	perLayer := map[finding.Layer]map[string]*contrib{} // layer → check title → contribution
	penalty := map[finding.Layer]int{}
	assessed := map[finding.Layer]bool{}
	sevCount := map[finding.Layer]map[finding.Severity]int{}
	total := 0
	for _, n := range g.Nodes {
		assessed[n.Layer] = true
		for _, f := range n.Findings {
			assessed[f.Layer] = true
			w := severityWeight(effectiveSeverity(f)) * priorityFactor(prio[f.Fingerprint].Level)
			penalty[f.Layer] += w
			total += w
			if perLayer[f.Layer] == nil {
				perLayer[f.Layer] = map[string]*contrib{}
				sevCount[f.Layer] = map[finding.Severity]int{}
			}
			title := cmp.Or(f.Title, f.CheckID)
			c := perLayer[f.Layer][title]
			if c == nil {
				c = &contrib{}
				perLayer[f.Layer][title] = c
			}
			c.penalty += w
			c.count++
			sevCount[f.Layer][f.Severity]++
		}
	}
	layerPaths := map[finding.Layer][]Path{}
	for _, p := range paths {
		total += pathWeight(p.Severity)
		for _, l := range p.Layers {
			penalty[l] += pathWeight(p.Severity)
			layerPaths[l] = append(layerPaths[l], p)
		}
	}

	explain := func(name string, score int, ps []Path, sev map[finding.Severity]int, contribs map[string]*contrib) string {
		var parts []string
		if len(ps) > 0 {
			parts = append(parts, pathCounts(ps))
		}
		var sevParts []string
		for _, s := range []finding.Severity{finding.SeverityCritical, finding.SeverityHigh} {
			if sev[s] > 0 {
				sevParts = append(sevParts, fmt.Sprintf("%d %s", sev[s], strings.ToLower(s.String())))
			}
		}
		if len(sevParts) > 0 {
			parts = append(parts, strings.Join(sevParts, " and ")+" findings")
		}
		titles := slices.Collect(maps.Keys(contribs))
		slices.SortFunc(titles, func(a, b string) int {
			return cmp.Or(cmp.Compare(contribs[b].penalty, contribs[a].penalty), cmp.Compare(a, b))
		})
		if len(titles) > 3 {
			titles = titles[:3]
		}
		var top []string
		for _, t := range titles {
			top = append(top, fmt.Sprintf("%d × %s", contribs[t].count, t))
		}
		if len(top) > 0 {
			parts = append(parts, "most weight: "+strings.Join(top, ", "))
		}
		if len(parts) == 0 {
			return fmt.Sprintf("%s %d: nothing found", name, score)
		}
		return fmt.Sprintf("%s %d: %s", name, score, strings.Join(parts, "; "))
	}

	var out []Score
	allSev := map[finding.Severity]int{}
	allContrib := map[string]*contrib{}
	for _, l := range finding.Layers() {
		s := Score{Layer: l, Score: scoreOf(penalty[l], scoreK), Assessed: assessed[l], Penalty: penalty[l]}
		s.Explanation = explain(l.String(), s.Score, layerPaths[l], sevCount[l], perLayer[l])
		if !s.Assessed {
			s.Explanation = l.String() + ": not assessed (the scan saw nothing of this layer)"
		}
		out = append(out, s)
		for k, v := range sevCount[l] {
			allSev[k] += v
		}
		for t, c := range perLayer[l] {
			a := allContrib[t]
			if a == nil {
				a = &contrib{}
				allContrib[t] = a
			}
			a.penalty += c.penalty
			a.count += c.count
		}
	}
	overall := Score{Score: scoreOf(total, overallK), Assessed: len(g.Nodes) > 0, Penalty: total}
	overall.Explanation = explain("Overall", overall.Score, paths, allSev, allContrib)
	return append([]Score{overall}, out...)
}
