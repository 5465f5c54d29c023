package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/baseline"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

//go:embed html.tmpl
var htmlSource string

// WriteHTML writes r as one self-contained HTML page for a person: a
// navigation bar that stays at the top, the four layers with their scores,
// the attack paths drawn as chains, the defence-in-depth rows, and every
// finding, grouped by layer, with its remediation, references and the
// source lines around it (read from r.Files only, bounded, secrets
// redacted), filterable by layer, severity, priority and resource and
// searchable. A vulnerability's row names the advisory and the
// package@version. Everything is inline (CSS, a small script, SVG); a
// Content Security Policy forbids the page any request. The page reads
// without JavaScript, down to 400 pixels wide, and prints. Every value
// from the scan is escaped by html/template.
func WriteHTML(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	t, err := template.New("report").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).Parse(htmlSource)
	if err != nil {
		return fmt.Errorf("parsing html template: %w", err)
	}
	if err := t.Execute(w, htmlModel(r)); err != nil {
		return fmt.Errorf("writing html report: %w", err)
	}
	return nil
}

type htmlData struct {
	Tool, Version, Target, Generated string
	Environment                      string
	Total, Suppressed, Skipped       int
	HasPosture                       bool
	Overall                          htmlScore
	Layers                           []htmlLayer
	Paths                            []htmlPath
	Workloads                        []htmlWorkload
	Baseline                         *htmlBaseline
	Findings                         []htmlFinding
	Groups                           []htmlGroup
	SkippedInputs                    []finding.Skipped
	SuppressedFindings               []htmlSuppressed
	Notices                          []string
	Severities                       []string
	Priorities                       []string
	LayerNames                       []string
}

type htmlScore struct {
	Known       bool
	Score       int
	Assessed    bool
	Explanation string
	// Dash and Gap draw the gauge's arc (stroke-dasharray).
	Dash, Gap string
	Class     string
}

type htmlLayer struct {
	Name, Class string
	Score       htmlScore
	Total       int
	Counts      []htmlCount
}

type htmlCount struct {
	Severity, Class string
	N               int
}

type htmlPath struct {
	ID, Rule, Title, Severity, SevClass, Summary, Remediation string
	Layers                                                    []string
	Steps                                                     []htmlStep
}

type htmlStep struct {
	Kind, Name, Layer, LayerClass, Text string
	Findings                            []htmlRef
}

// htmlRef is a pill on an attack-path step: the findings of one check on
// the step, Count of them, linked to the first.
type htmlRef struct {
	CheckID, Severity, SevClass, Anchor, Message string
	Count                                        int
}

type htmlWorkload struct {
	Name, Kind, Namespace string
	Exposed               bool
	Open                  int
	Layers                []htmlLayerState
}

type htmlLayerState struct {
	Layer, State, Symbol, Reasons string
}

type htmlBaseline struct {
	File                  string
	New, Fixed, Unchanged int
	FixedFindings         []htmlFinding
}

type htmlFinding struct {
	Anchor                                   string
	CheckID, Title, Severity, SevClass       string
	Layer, LayerClass                        string
	Priority, PriorityReason, Baseline       string
	Resource, Location, Message, Remediation string
	Fingerprint                              string
	References                               []finding.Reference
	Search                                   string
	// Ident, Aliases, Headline and Subject are what the collapsed row
	// shows: for a vulnerability the advisory ID, its CVE, its summary and
	// the package@version; otherwise the check ID, the title and the
	// resource.
	Ident, Aliases, Headline, Subject string
	// Vuln is the advisory's detail for a vulnerability finding.
	Vuln *htmlVuln
	// Snippet is the source around the finding's line, redacted.
	Snippet []snippetLine
}

type htmlVuln struct {
	Package, Installed, Fixed, Reachability, BaseSeverity, SeverityReason string
}

// htmlGroup is the findings of one layer, under their own heading.
type htmlGroup struct {
	ID, Name, Class string
	Findings        []htmlFinding
}

type htmlSuppressed struct {
	htmlFinding
	By, Reason string
}

func sevClass(s finding.Severity) string { return "sev-" + strings.ToLower(s.String()) }

func layerClass(l finding.Layer) string {
	if !l.Valid() {
		return "layer-none"
	}
	return "layer-" + strings.ToLower(l.String())
}

// gaugeRadius is the radius of the score gauges' circle.
const gaugeRadius = 34

func scoreModel(s posture.Score, known bool) htmlScore {
	h := htmlScore{Known: known, Score: s.Score, Assessed: s.Assessed, Explanation: s.Explanation}
	c := 2 * math.Pi * gaugeRadius
	dash := c * float64(s.Score) / 100
	h.Dash = strconv.FormatFloat(dash, 'f', 2, 64)
	h.Gap = strconv.FormatFloat(c-dash, 'f', 2, 64)
	switch {
	case !s.Assessed:
		h.Class = "score-na"
	case s.Score >= 80:
		h.Class = "score-good"
	case s.Score >= 50:
		h.Class = "score-fair"
	default:
		h.Class = "score-poor"
	}
	return h
}

func findingModel(r *Report, f finding.Finding) htmlFinding {
	h := htmlFinding{
		CheckID: f.CheckID, Title: f.Title, Severity: f.Severity.String(), SevClass: sevClass(f.Severity),
		Layer: layerName(f.Layer), LayerClass: layerClass(f.Layer),
		Resource: f.Resource.String(), Location: locationString(f.Location),
		Message: f.Message, Remediation: f.Remediation, Fingerprint: f.Fingerprint, References: f.References,
	}
	if h.Message == h.Title {
		h.Message = ""
	}
	h.Ident, h.Headline, h.Subject = f.CheckID, f.Title, h.Resource
	if f.Resource.Kind == "file" && f.Resource.Name == f.Location.Path {
		h.Subject = "" // the location names the file
	}
	if v := f.Vulnerability; v != nil && v.ID != "" {
		h.Ident = v.ID
		h.Aliases = strings.Join(v.Aliases, ", ")
		h.Headline = cmp.Or(v.Summary, f.Title)
		h.Subject = cmp.Or(v.Package+"@"+v.InstalledVersion, h.Resource)
		if v.Package == "" || v.InstalledVersion == "" {
			h.Subject = h.Resource
		}
		hv := &htmlVuln{Package: v.Package, Installed: v.InstalledVersion, Reachability: v.Reachability.Level,
			BaseSeverity: v.BaseSeverity.String(), SeverityReason: v.SeverityReason}
		if len(v.FixedVersions) > 0 {
			hv.Fixed = v.FixedVersions[0]
		}
		h.Vuln = hv
	}
	h.Priority, h.PriorityReason = priorityOf(r, f)
	h.Baseline = baselineOf(r, f)
	h.Search = strings.ToLower(strings.Join([]string{f.CheckID, f.Title, f.Message, h.Resource, h.Location, h.Layer, h.Severity, h.Priority, h.Ident, h.Aliases, h.Headline}, " "))
	return h
}

// layerSummaries are the overview's cards: per layer, the counts by
// severity and the score.
func layerSummaries(r *Report) (names []string, layers []htmlLayer) {
	for _, g := range groupByLayer(r.Findings) {
		if !g.layer.Valid() {
			continue
		}
		l := htmlLayer{Name: g.layer.String(), Class: layerClass(g.layer), Total: len(g.findings)}
		names = append(names, l.Name)
		counts := map[finding.Severity]int{}
		for _, f := range g.findings {
			counts[f.Severity]++
		}
		for _, s := range worstFirst() {
			if counts[s] > 0 {
				l.Counts = append(l.Counts, htmlCount{Severity: s.String(), Class: sevClass(s), N: counts[s]})
			}
		}
		if r.Posture != nil {
			l.Score = scoreModel(r.Posture.LayerScore(g.layer), true)
		}
		layers = append(layers, l)
	}

	return names, layers
}

func htmlModel(r *Report) htmlData {
	d := htmlData{
		Tool: cmp.Or(r.Tool, "fourc"), Version: r.Version, Target: r.Target, Environment: r.Environment.String(),
		Total: len(r.Findings), Suppressed: len(r.Suppressed), Skipped: len(r.Skipped),
		HasPosture: r.Posture != nil, SkippedInputs: r.Skipped, Notices: r.Notices,
		Priorities: []string{"P1", "P2", "P3", "P4"},
	}
	if !r.GeneratedAt.IsZero() {
		d.Generated = r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, s := range worstFirst() {
		d.Severities = append(d.Severities, s.String())
	}
	if r.Posture != nil {
		d.Overall = scoreModel(r.Posture.Overall(), true)
	}
	d.LayerNames, d.Layers = layerSummaries(r)

	anchors := map[string]string{}
	snips := newSnippets(r)
	groups := map[string]*htmlGroup{}
	for i, f := range r.Findings {
		h := findingModel(r, f)
		if _, taken := anchors[f.Fingerprint]; !taken {
			h.Anchor = "f" + strconv.Itoa(i+1)
			anchors[f.Fingerprint] = h.Anchor
		}
		h.Snippet = snips.of(f)
		d.Findings = append(d.Findings, h)
		name := cmp.Or(h.Layer, "Other")
		g, ok := groups[name]
		if !ok {
			g = &htmlGroup{ID: "findings-" + strings.ToLower(name), Name: name, Class: h.LayerClass}
			groups[name] = g
		}
		g.Findings = append(g.Findings, h)
	}
	// Layers inside out, as the overview shows them; findings keep the
	// report's order (priority) inside each.
	for _, l := range []string{"Code", "Container", "Cluster", "Cloud", "Other"} {
		if g, ok := groups[l]; ok {
			d.Groups = append(d.Groups, *g)
		}
	}
	for _, s := range r.Suppressed {
		d.SuppressedFindings = append(d.SuppressedFindings, htmlSuppressed{htmlFinding: findingModel(r, s.Finding), By: s.By, Reason: s.Reason})
	}

	if r.Posture != nil {
		for _, p := range r.Posture.Paths {
			hp := htmlPath{ID: p.ID, Rule: p.Rule, Title: p.Title, Severity: p.Severity.String(), SevClass: sevClass(p.Severity),
				Summary: p.Summary, Remediation: p.Remediation}
			for _, l := range p.Layers {
				hp.Layers = append(hp.Layers, layerName(l))
			}
			for _, s := range p.Steps {
				hs := htmlStep{Kind: s.Kind, Name: s.Name, Layer: layerName(s.Layer), LayerClass: layerClass(s.Layer), Text: s.Text}
				hs.Findings = stepRefs(s.Findings, anchors)
				hp.Steps = append(hp.Steps, hs)
			}
			d.Paths = append(d.Paths, hp)
		}
		for _, w := range r.Posture.Workloads {
			hw := htmlWorkload{Name: w.Name, Kind: w.Kind, Namespace: w.Namespace, Exposed: w.Exposed, Open: w.Open}
			for _, l := range w.Layers {
				sym := "?"
				switch l.State {
				case posture.Protected:
					sym = "✓"
				case posture.Open:
					sym = "✗"
				}
				hw.Layers = append(hw.Layers, htmlLayerState{Layer: layerName(l.Layer), State: l.State, Symbol: sym, Reasons: strings.Join(l.Reasons, "; ")})
			}
			d.Workloads = append(d.Workloads, hw)
		}
	}
	if r.Baseline != nil {
		b := &htmlBaseline{File: r.BaselinePath, New: len(r.Baseline.New), Fixed: len(r.Baseline.Fixed), Unchanged: len(r.Baseline.Unchanged)}
		for _, f := range r.Baseline.Fixed {
			h := findingModel(r, f)
			h.Baseline = string(baseline.Fixed)
			b.FixedFindings = append(b.FixedFindings, h)
		}
		d.Baseline = b
	}
	return d
}

// stepRefs folds the findings on an attack-path step into one pill per
// check: the worst severity, the count, a link to the first finding the
// report lists and its message (with how many more there are).
func stepRefs(fs []posture.FindingRef, anchors map[string]string) []htmlRef {
	var refs []htmlRef
	at := map[string]int{}
	worst := map[string]finding.Severity{}
	for _, f := range fs {
		i, ok := at[f.CheckID]
		if !ok {
			at[f.CheckID] = len(refs)
			worst[f.CheckID] = f.Severity
			refs = append(refs, htmlRef{CheckID: f.CheckID, Anchor: anchors[f.Fingerprint], Message: f.Message, Count: 1})
			continue
		}
		r := &refs[i]
		r.Count++
		worst[f.CheckID] = max(worst[f.CheckID], f.Severity)
		if r.Anchor == "" {
			r.Anchor, r.Message = anchors[f.Fingerprint], f.Message
		}
	}
	for i := range refs {
		r := &refs[i]
		s := worst[r.CheckID]
		r.Severity, r.SevClass = s.String(), sevClass(s)
		if r.Count > 1 {
			r.Message = fmt.Sprintf("%s (and %d more)", r.Message, r.Count-1)
		}
	}
	return refs
}
