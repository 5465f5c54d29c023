package posture

import (
	"regexp"
	"slices"

	"github.com/fourc-dev/fourc/internal/finding"
)

// view is the graph with the neighbourhoods correlation asks about,
// computed once.
type view struct {
	g         *Graph
	workloads []*Node
	// exposure lists, per workload, the chains of objects that expose it
	// to the internet: [Service] or [Ingress, Service].
	exposure map[string][][]*Node
	images   map[string][]*Node // workload → images it runs
	builders map[string][]*Node // image → Dockerfiles that build it
	// shipped lists, per Dockerfile, the code it copies: source
	// directories and files, and the packages and files of those
	// directories.
	shipped  map[string][]*Node
	sa       map[string]*Node   // workload → service account
	bindings map[string][]*Node // service account → bindings
	ns       map[string]*Node   // workload → namespace
	policies map[string][]*Node // workload → NetworkPolicies that govern its ingress
	cluster  map[string]*Node   // namespace → cloud cluster hosting it
}

func newView(g *Graph) *view {
	v := &view{
		g:        g,
		exposure: map[string][][]*Node{},
		images:   map[string][]*Node{},
		builders: map[string][]*Node{},
		shipped:  map[string][]*Node{},
		sa:       map[string]*Node{},
		bindings: map[string][]*Node{},
		ns:       map[string]*Node{},
		policies: map[string][]*Node{},
		cluster:  map[string]*Node{},
	}
	v.workloads = g.NodesOf("workload")
	for _, w := range v.workloads {
		for _, e := range g.In(w.ID, "exposes") {
			svc := g.Node(e.From)
			if svc.Attrs["exposure"] == "internet" {
				v.exposure[w.ID] = append(v.exposure[w.ID], []*Node{svc})
			}
			for _, r := range g.In(svc.ID, "routes") {
				if ing := g.Node(r.From); ing.Attrs["exposure"] == "internet" {
					v.exposure[w.ID] = append(v.exposure[w.ID], []*Node{ing, svc})
				}
			}
		}
		for _, e := range g.Out(w.ID, "runs") {
			v.images[w.ID] = append(v.images[w.ID], g.Node(e.To))
		}
		if es := g.Out(w.ID, "uses"); len(es) > 0 {
			v.sa[w.ID] = g.Node(es[0].To)
		}
		if es := g.Out(w.ID, "in"); len(es) > 0 {
			v.ns[w.ID] = g.Node(es[0].To)
		}
		for _, e := range g.In(w.ID, "selects") {
			if np := g.Node(e.From); np.Attrs["ingress"] != "false" {
				v.policies[w.ID] = append(v.policies[w.ID], np)
			}
		}
	}
	for _, img := range g.NodesOf("image") {
		for _, e := range g.In(img.ID, "builds") {
			v.builders[img.ID] = append(v.builders[img.ID], g.Node(e.From))
		}
	}
	for _, d := range g.NodesOf("dockerfile") {
		seen := map[string]bool{}
		add := func(n *Node) {
			if !seen[n.ID] {
				seen[n.ID] = true
				v.shipped[d.ID] = append(v.shipped[d.ID], n)
			}
		}
		for _, e := range g.Out(d.ID, "copies") {
			n := g.Node(e.To)
			add(n)
			for _, c := range g.Out(n.ID, "contains") {
				add(g.Node(c.To))
			}
		}
		slices.SortFunc(v.shipped[d.ID], byID)
	}
	for _, sa := range g.NodesOf("serviceaccount") {
		for _, e := range g.Out(sa.ID, "bound") {
			v.bindings[sa.ID] = append(v.bindings[sa.ID], g.Node(e.To))
		}
	}
	for _, c := range g.NodesOf("cluster") {
		for _, e := range g.Out(c.ID, "hosts") {
			v.cluster[e.To] = c
		}
	}
	return v
}

func byID(a, b *Node) int {
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// exposed reports whether a workload is reachable from the internet.
func (v *view) exposed(w *Node) bool { return len(v.exposure[w.ID]) > 0 }

// isolated reports whether a NetworkPolicy governs the workload's ingress.
func (v *view) isolated(w *Node) bool { return len(v.policies[w.ID]) > 0 }

// hostAccess reports whether a workload is privileged or shares a host
// namespace: escaping it gives the node.
func hostAccess(w *Node) bool {
	return w.Attrs["privileged"] == "true" || w.Attrs["hostNetwork"] == "true" ||
		w.Attrs["hostPID"] == "true" || w.Attrs["hostIPC"] == "true"
}

// build is one image a workload runs, with the Dockerfiles that build it
// and the code they ship.
type build struct {
	image       *Node
	dockerfiles []*Node
	code        []*Node
}

// builds returns the images a workload runs and what is known of how they
// were built.
func (v *view) builds(w *Node) []build {
	var out []build
	for _, img := range v.images[w.ID] {
		b := build{image: img, dockerfiles: v.builders[img.ID]}
		for _, d := range b.dockerfiles {
			for _, c := range v.shipped[d.ID] {
				if !slices.Contains(b.code, c) {
					b.code = append(b.code, c)
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// workloadsOf returns the workloads a node's findings bear on: the node
// itself for a workload; the workloads that run an image, that run an
// image a Dockerfile builds, or that ship the code; the workloads a
// Service or Ingress exposes, a NetworkPolicy selects, a service account
// (or its bindings and roles) serves, a namespace holds, a cluster hosts.
func (v *view) workloadsOf(n *Node) []*Node {
	var out []*Node
	add := func(w *Node) {
		if w != nil && w.Kind == "workload" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	g := v.g
	switch n.Kind {
	case "workload":
		add(n)
	case "source", "file", "package":
		for _, d := range g.NodesOf("dockerfile") {
			if slices.Contains(v.shipped[d.ID], n) {
				out = appendAll(out, v.workloadsOf(d))
			}
		}
	default:
		h, ok := workloadHops[n.Kind]
		if !ok {
			break
		}
		for _, m := range h.neighbours(g, n.ID) {
			if h.follow {
				out = appendAll(out, v.workloadsOf(m))
			} else {
				add(m)
			}
		}
	}
	slices.SortFunc(out, byID)
	return out
}

// hop is one step from a node toward the workloads it bears on: along the
// edges of relation rel, outgoing or incoming; the nodes reached are the
// workloads, or (follow) lead to them in turn.
type hop struct {
	rel              string
	outgoing, follow bool
}

// workloadHops gives the hop from each kind of node that reaches
// workloads through edges alone. Read only.
var workloadHops = map[string]hop{
	"image":          {rel: "runs"},
	"dockerfile":     {rel: "builds", outgoing: true, follow: true},
	"service":        {rel: "exposes", outgoing: true},
	"ingress":        {rel: "routes", outgoing: true, follow: true},
	"networkpolicy":  {rel: "selects", outgoing: true},
	"serviceaccount": {rel: "uses"},
	"rolebinding":    {rel: "bound", follow: true},
	"role":           {rel: "grants", follow: true},
	"namespace":      {rel: "in"},
	"cluster":        {rel: "hosts", outgoing: true, follow: true},
	"pvc":            {rel: "claims"},
	"storageclass":   {rel: "class", follow: true},
}

// neighbours returns the nodes one hop from id.
func (h hop) neighbours(g *Graph, id string) []*Node {
	var out []*Node
	if h.outgoing {
		for _, e := range g.Out(id, h.rel) {
			out = append(out, g.Node(e.To))
		}
		return out
	}
	for _, e := range g.In(id, h.rel) {
		out = append(out, g.Node(e.From))
	}
	return out
}

func appendAll(out, more []*Node) []*Node {
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// reachRE finds the reachability in a FC-VULN-001 message
// ("…; reachability: called"), for findings read back from an older
// report that has no structured vulnerability.
var reachRE = regexp.MustCompile(`reachability: ([a-z-]+)`)

// Reachability returns what a vulnerability finding says about whether
// its code is reached: "called", "imported", "required", or "" when it was
// not analysed.
func Reachability(f finding.Finding) string {
	if v := f.Vulnerability; v != nil {
		if v.Reachability.Level == finding.ReachNotAnalysed {
			return ""
		}
		return v.Reachability.Level
	}
	if m := reachRE.FindStringSubmatch(f.Message); m != nil {
		return m[1]
	}
	return ""
}

// isVulnerability reports whether a finding is a known vulnerability of a
// package in the code.
func isVulnerability(f finding.Finding) bool { return f.CheckID == "FC-VULN-001" }

// effectiveSeverity is the severity correlation works with: the finding's
// own, which for a vulnerability is already the effective severity of the
// one severity model (vuln.Effective), reachability included.
func effectiveSeverity(f finding.Finding) finding.Severity { return f.Severity }

// reachableSerious reports whether a vulnerability is critical or high
// (effectively) and not known to be unreached.
func reachableSerious(f finding.Finding) bool {
	if !isVulnerability(f) || effectiveSeverity(f) < finding.SeverityHigh {
		return false
	}
	switch Reachability(f) {
	case "imported", "required":
		return false
	}
	return true
}

// serious reports whether a finding counts as an open door in its layer:
// HIGH or worse, effectively, and for a vulnerability not known to be
// unreached.
func serious(f finding.Finding) bool {
	if isVulnerability(f) {
		return reachableSerious(f)
	}
	return f.Severity >= finding.SeverityHigh
}

// isSecret reports whether a finding is a secret baked into code or an
// image: a secret-scanner finding, a secret in a Dockerfile ARG or ENV,
// or a sensitive file copied into the image.
func isSecret(f finding.Finding) bool {
	switch f.CheckID {
	case "FC-DF-005", "FC-DF-006":
		return true
	}
	return len(f.CheckID) > 7 && f.CheckID[:7] == "FC-SEC-"
}
