package posture

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Layer states in a defence-in-depth row.
const (
	// Protected: the layer was seen and has no serious weakness.
	Protected = "protected"
	// Open: the layer has a serious weakness (a HIGH or CRITICAL finding,
	// a reachable vulnerability, a missing guardrail).
	Open = "open"
	// Unknown: the scan did not see that layer for this workload.
	Unknown = "unknown"
)

// Workload is one workload's defence-in-depth row: which of the four
// layers protect it and which are open.
type Workload struct {
	// Node is the workload's graph node ID.
	Node      string `json:"node"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Exposed says whether the internet reaches it.
	Exposed bool `json:"exposed"`
	// Layers has one entry per layer, inside out.
	Layers []LayerState `json:"layers"`
	// Open counts the layers in state Open.
	Open int `json:"open"`
}

// LayerState is the state of one layer for one workload.
type LayerState struct {
	Layer   finding.Layer `json:"layer"`
	State   string        `json:"state"`
	Reasons []string      `json:"reasons"`
}

// defence rows up every workload.
func defence(v *view) []Workload {
	var out []Workload
	for _, w := range v.workloads {
		row := Workload{Node: w.ID, Kind: w.Attrs["kind"], Name: w.Name, Namespace: w.Attrs["namespace"], Exposed: v.exposed(w)}
		row.Layers = []LayerState{codeState(v, w), containerState(v, w), clusterState(v, w), cloudState(v, w)}
		for _, l := range row.Layers {
			if l.State == Open {
				row.Open++
			}
		}
		out = append(out, row)
	}
	return out
}

// openLayers returns the layers open for a workload, as defence finds them.
func openLayers(v *view, w *Node) []finding.Layer {
	var out []finding.Layer
	for _, l := range []LayerState{codeState(v, w), containerState(v, w), clusterState(v, w), cloudState(v, w)} {
		if l.State == Open {
			out = append(out, l.Layer)
		}
	}
	return out
}

func summarize(fs []finding.Finding) string {
	if len(fs) == 1 {
		return fs[0].CheckID + " " + fs[0].Title
	}
	ids := map[string]bool{}
	var list []string
	for _, f := range fs {
		if !ids[f.CheckID] {
			ids[f.CheckID] = true
			list = append(list, f.CheckID)
		}
	}
	if len(list) > 4 {
		list = append(list[:4], "…")
	}
	return fmt.Sprintf("%d findings (%s)", len(fs), strings.Join(list, ", "))
}

func codeState(v *view, w *Node) LayerState {
	s := LayerState{Layer: finding.LayerCode}
	known := false
	for _, b := range v.builds(w) {
		if len(b.dockerfiles) == 0 {
			continue
		}
		known = true
		for _, c := range b.code {
			if fs := pick(c.Findings, serious); len(fs) > 0 {
				s.Reasons = append(s.Reasons, fmt.Sprintf("%s: %s", c.Name, summarize(fs)))
			}
		}
	}
	switch {
	case len(s.Reasons) > 0:
		s.State = Open
	case known:
		s.State = Protected
		s.Reasons = []string{"no serious finding in the code its Dockerfile copies"}
	default:
		s.State = Unknown
		s.Reasons = []string{"no Dockerfile in the scan is known to build its images"}
	}
	return s
}

func containerState(v *view, w *Node) LayerState {
	s := LayerState{Layer: finding.LayerContainer}
	known := false
	for _, b := range v.builds(w) {
		if fs := pick(b.image.Findings, serious); len(fs) > 0 {
			name := b.image.Name
			if sc := b.image.Attrs["scanned"]; sc != "" && sc != name {
				name += " (scanned from " + sc + ")"
			}
			s.Reasons = append(s.Reasons, fmt.Sprintf("image %s: %s", name, summarize(fs)))
		}
		if len(b.image.Findings) > 0 {
			known = true
		}
		for _, d := range b.dockerfiles {
			known = true
			if fs := pick(d.Findings, serious); len(fs) > 0 {
				s.Reasons = append(s.Reasons, fmt.Sprintf("%s: %s", d.Name, summarize(fs)))
			}
		}
	}
	switch {
	case len(s.Reasons) > 0:
		s.State = Open
	case known:
		s.State = Protected
		s.Reasons = []string{"no serious finding in its Dockerfile or image"}
	default:
		s.State = Unknown
		s.Reasons = []string{"neither the image nor its Dockerfile was scanned"}
	}
	return s
}

func clusterState(v *view, w *Node) LayerState {
	s := LayerState{Layer: finding.LayerCluster}
	if fs := pick(w.Findings, serious); len(fs) > 0 {
		s.Reasons = append(s.Reasons, summarize(fs))
	}
	if hostAccess(w) {
		s.Reasons = append(s.Reasons, "privileged or shares a host namespace")
	}
	if sa := v.sa[w.ID]; sa != nil && w.Attrs["token"] != "false" {
		switch {
		case sa.Attrs["clusterAdmin"] == "true":
			s.Reasons = append(s.Reasons, fmt.Sprintf("service account %s is cluster-admin", sa.Name))
		case sa.Attrs["readSecrets"] == "true":
			s.Reasons = append(s.Reasons, fmt.Sprintf("service account %s can read secrets", sa.Name))
		}
	}
	if !v.isolated(w) {
		s.Reasons = append(s.Reasons, "no NetworkPolicy governs its ingress")
	}
	if ns := v.ns[w.ID]; ns != nil && ns.Attrs["declared"] == "true" && (ns.Attrs["psaEnforce"] == "" || ns.Attrs["psaEnforce"] == "privileged") {
		s.Reasons = append(s.Reasons, fmt.Sprintf("namespace %s enforces no Pod Security level", ns.Name))
	}
	if len(s.Reasons) > 0 {
		s.State = Open
		return s
	}
	s.State = Protected
	s.Reasons = []string{"unprivileged, isolated by a NetworkPolicy, no powerful service account"}
	return s
}

func cloudState(v *view, w *Node) LayerState {
	s := LayerState{Layer: finding.LayerCloud}
	ns := v.ns[w.ID]
	var c *Node
	if ns != nil {
		c = v.cluster[ns.ID]
	}
	if c == nil {
		s.State = Unknown
		s.Reasons = []string{"no cluster in the scanned infrastructure code is known to run it"}
		return s
	}
	if fs := pick(c.Findings, func(f finding.Finding) bool {
		return serious(f) || f.CheckID == "FC-AWS-041" || f.CheckID == "FC-GCP-004"
	}); len(fs) > 0 {
		s.State = Open
		s.Reasons = []string{fmt.Sprintf("cluster %s: %s", c.Name, summarize(fs))}
		return s
	}
	s.State = Protected
	s.Reasons = []string{fmt.Sprintf("cluster %s has no serious finding", c.Name)}
	return s
}
