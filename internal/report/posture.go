package report

import (
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

// priorityOf returns a finding's priority ("P1" … "P4") and its reason,
// or empty strings when the report has no posture analysis.
func priorityOf(r *Report, f finding.Finding) (label, reason string) {
	p, ok := r.Posture.PriorityOf(f)
	if !ok {
		return "", ""
	}
	return p.String(), p.Reason()
}

// baselineOf returns "new" or "unchanged" for a finding when the report
// was compared with a baseline, "" otherwise.
func baselineOf(r *Report, f finding.Finding) string {
	return string(r.Baseline.StatusOf(f))
}

// layerName names a layer for output, "" for an invalid one.
func layerName(l finding.Layer) string {
	if !l.Valid() {
		return ""
	}
	return l.String()
}

// scoreScope names what a score covers: "Overall" or a layer.
func scoreScope(s posture.Score) string {
	if s.Layer.Valid() {
		return s.Layer.String()
	}
	return "Overall"
}

// jsonPosture is the "posture" member of the JSON report.
type jsonPosture struct {
	Scores      []jsonScore    `json:"scores"`
	AttackPaths []jsonPath     `json:"attack_paths"`
	Workloads   []jsonWorkload `json:"workloads"`
	Graph       jsonGraph      `json:"graph"`
}

type jsonScore struct {
	Scope       string `json:"scope"`
	Score       int    `json:"score"`
	Assessed    bool   `json:"assessed"`
	Penalty     int    `json:"penalty"`
	Explanation string `json:"explanation"`
}

type jsonPath struct {
	ID          string     `json:"id"`
	Rule        string     `json:"rule"`
	Title       string     `json:"title"`
	Severity    string     `json:"severity"`
	Summary     string     `json:"summary"`
	Layers      []string   `json:"layers"`
	Steps       []jsonStep `json:"steps"`
	Remediation string     `json:"remediation"`
}

type jsonStep struct {
	Node     string           `json:"node"`
	Kind     string           `json:"kind"`
	Name     string           `json:"name"`
	Layer    string           `json:"layer"`
	Text     string           `json:"text"`
	Findings []jsonFindingRef `json:"findings"`
}

type jsonFindingRef struct {
	CheckID     string `json:"check_id"`
	Severity    string `json:"severity"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
}

type jsonWorkload struct {
	Node      string           `json:"node"`
	Kind      string           `json:"kind"`
	Name      string           `json:"name"`
	Namespace string           `json:"namespace"`
	Exposed   bool             `json:"exposed"`
	Open      int              `json:"open"`
	Layers    []jsonLayerState `json:"layers"`
}

type jsonLayerState struct {
	Layer   string   `json:"layer"`
	State   string   `json:"state"`
	Reasons []string `json:"reasons"`
}

type jsonGraph struct {
	Nodes []jsonNode `json:"nodes"`
	Edges []jsonEdge `json:"edges"`
}

type jsonNode struct {
	ID       string            `json:"id"`
	Kind     string            `json:"kind"`
	Name     string            `json:"name"`
	Layer    string            `json:"layer"`
	Attrs    map[string]string `json:"attrs"`
	Findings []string          `json:"findings"`
}

type jsonEdge struct {
	From     string   `json:"from"`
	Rel      string   `json:"rel"`
	To       string   `json:"to"`
	Why      string   `json:"why,omitempty"`
	Findings []string `json:"findings"`
}

// jsonBaseline is the "baseline" member of the JSON report.
type jsonBaseline struct {
	File          string            `json:"file"`
	New           int               `json:"new"`
	Fixed         int               `json:"fixed"`
	Unchanged     int               `json:"unchanged"`
	FixedFindings []finding.Finding `json:"fixed_findings"`
}

func postureJSON(p *posture.Result) *jsonPosture {
	if p == nil {
		return nil
	}
	out := &jsonPosture{Scores: []jsonScore{}, AttackPaths: []jsonPath{}, Workloads: []jsonWorkload{}, Graph: jsonGraph{Nodes: []jsonNode{}, Edges: []jsonEdge{}}}
	for _, s := range p.Scores {
		out.Scores = append(out.Scores, jsonScore{Scope: scoreScope(s), Score: s.Score, Assessed: s.Assessed, Penalty: s.Penalty, Explanation: s.Explanation})
	}
	for _, pa := range p.Paths {
		jp := jsonPath{ID: pa.ID, Rule: pa.Rule, Title: pa.Title, Severity: pa.Severity.String(), Summary: pa.Summary,
			Layers: []string{}, Steps: []jsonStep{}, Remediation: pa.Remediation}
		for _, l := range pa.Layers {
			jp.Layers = append(jp.Layers, layerName(l))
		}
		for _, st := range pa.Steps {
			js := jsonStep{Node: st.Node, Kind: st.Kind, Name: st.Name, Layer: layerName(st.Layer), Text: st.Text, Findings: []jsonFindingRef{}}
			for _, f := range st.Findings {
				js.Findings = append(js.Findings, jsonFindingRef{CheckID: f.CheckID, Severity: f.Severity.String(), Fingerprint: f.Fingerprint, Message: f.Message})
			}
			jp.Steps = append(jp.Steps, js)
		}
		out.AttackPaths = append(out.AttackPaths, jp)
	}
	for _, w := range p.Workloads {
		jw := jsonWorkload{Node: w.Node, Kind: w.Kind, Name: w.Name, Namespace: w.Namespace, Exposed: w.Exposed, Open: w.Open, Layers: []jsonLayerState{}}
		for _, l := range w.Layers {
			jw.Layers = append(jw.Layers, jsonLayerState{Layer: layerName(l.Layer), State: l.State, Reasons: nonNil(l.Reasons)})
		}
		out.Workloads = append(out.Workloads, jw)
	}
	if g := p.Graph; g != nil {
		for _, n := range g.Nodes {
			jn := jsonNode{ID: n.ID, Kind: n.Kind, Name: n.Name, Layer: layerName(n.Layer), Attrs: n.Attrs, Findings: []string{}}
			if jn.Attrs == nil {
				jn.Attrs = map[string]string{}
			}
			for _, f := range n.Findings {
				jn.Findings = append(jn.Findings, f.Fingerprint)
			}
			out.Graph.Nodes = append(out.Graph.Nodes, jn)
		}
		for _, e := range g.Edges {
			out.Graph.Edges = append(out.Graph.Edges, jsonEdge{From: e.From, Rel: e.Rel, To: e.To, Why: e.Why, Findings: nonNil(e.Findings)})
		}
	}
	return out
}

func baselineJSON(r *Report) *jsonBaseline {
	if r.Baseline == nil {
		return nil
	}
	return &jsonBaseline{
		File:          r.BaselinePath,
		New:           len(r.Baseline.New),
		Fixed:         len(r.Baseline.Fixed),
		Unchanged:     len(r.Baseline.Unchanged),
		FixedFindings: nonNil(r.Baseline.Fixed),
	}
}
