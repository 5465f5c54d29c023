package posture

import (
	"cmp"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Node is one thing the scan saw — a package, a Dockerfile, an image, a
// workload, a service account, a bucket — with the findings about it.
type Node struct {
	// ID is unique in the graph: the asset's ID, or for nodes derived from
	// findings "package:PATH#NAME", "source:DIR", "file:PATH",
	// "cloud:DIR/ADDRESS" or "resource:KIND/NAME".
	ID       string            `json:"id"`
	Kind     string            `json:"kind"`
	Name     string            `json:"name"`
	Layer    finding.Layer     `json:"layer"`
	Resource finding.Resource  `json:"resource"`
	Location finding.Location  `json:"location"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	// Findings are the findings about this node, in [finding.Compare]
	// order.
	Findings []finding.Finding `json:"-"`
}

// Label names the node for a person: `Deployment "shop/api"`,
// `image "registry.example.com/shop/api:latest"`.
func (n *Node) Label() string {
	kind := n.Resource.Kind
	if kind == "" || kind == "image" || kind == "source" {
		kind = n.Kind
	}
	return kind + " " + strconv.Quote(n.Name)
}

// Edge is a directed relation between two nodes.
type Edge struct {
	From string `json:"from"`
	// Rel names the relation; see [finding.Edge], plus "builds" (a
	// Dockerfile builds the image), "copies" (a Dockerfile copies source
	// code or a file into its image), "contains" (a source directory
	// holds a package or file) and "hosts" (a cluster hosts a namespace).
	Rel string `json:"rel"`
	To  string `json:"to"`
	// Why names the heuristic behind an edge that posture derived, e.g.
	// `image repository path "shop/api" names "shop", the scanned
	// directory`; empty for edges the scanners reported.
	Why string `json:"why,omitempty"`
	// Findings are the fingerprints of the findings the relation itself
	// carries: a Service's exposure findings on its "exposes" edges, a
	// binding's findings on the "bound" edges of its subjects.
	Findings []string `json:"findings,omitempty"`
}

// Graph is the cross-layer graph of one scan.
type Graph struct {
	// Nodes are sorted by ID.
	Nodes []*Node
	// Edges are sorted by From, Rel and To.
	Edges []Edge

	byID map[string]*Node
	out  map[string][]int
	in   map[string][]int
}

// Node returns the node with the ID, or nil.
func (g *Graph) Node(id string) *Node { return g.byID[id] }

// Out returns the edges leaving a node, of relation rel ("" for all).
func (g *Graph) Out(id, rel string) []Edge { return g.pick(g.out[id], rel) }

// In returns the edges arriving at a node, of relation rel ("" for all).
func (g *Graph) In(id, rel string) []Edge { return g.pick(g.in[id], rel) }

func (g *Graph) pick(idx []int, rel string) []Edge {
	var out []Edge
	for _, i := range idx {
		if rel == "" || g.Edges[i].Rel == rel {
			out = append(out, g.Edges[i])
		}
	}
	return out
}

// NodesOf returns the nodes of a kind, sorted by ID.
func (g *Graph) NodesOf(kind string) []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

// Input is what one scan produced.
type Input struct {
	// Findings are the reported findings (after ignore files and severity
	// filters: what the user sees).
	Findings []finding.Finding
	// Assets are what the scanners saw (engine.Result.Assets).
	Assets []finding.Asset
	// RootName is the base name of the scanned directory, e.g. "shop". It
	// names the application of a Dockerfile at the root of the tree, whose
	// own directory has no name of its own.
	RootName string
}

// builder accumulates nodes and edges.
type builder struct {
	nodes map[string]*Node
	edges map[string]*Edge // by from\x00rel\x00to
	res   map[string]string
	root  string
	// owner maps the fingerprints assets claim (an image scan's
	// findings) to the asset's node.
	owner map[string]string
}

// Build joins assets and findings into one graph. An image the scan read
// itself (`fourc scan --image`) merges into the image node the manifests
// and Dockerfiles name it by (see mergeScanned). Findings attach to the
// asset that claims them by fingerprint, else to the node whose resource
// they name; a finding with no such node gets a node
// derived from its resource and location (packages and source
// directories for vulnerabilities, files for secrets, cloud resources by
// Terraform directory and address). Then posture derives the edges no
// single scanner can see: which Dockerfile builds the image a workload
// runs, which code and files a Dockerfile copies, which cluster hosts the
// namespaces. docs/posture.md states each rule.
func Build(in Input) *Graph {
	b := &builder{nodes: map[string]*Node{}, edges: map[string]*Edge{}, res: map[string]string{}, root: in.RootName, owner: map[string]string{}}
	assets := slices.Clone(in.Assets)
	slices.SortStableFunc(assets, func(x, y finding.Asset) int { return cmp.Compare(x.ID, y.ID) })
	for _, a := range assets {
		b.asset(a)
	}
	b.mergeScanned()
	ids := slices.Sorted(maps.Keys(b.nodes))
	for _, id := range ids {
		n := b.nodes[id]
		if k := resKey(n.Resource); k != "" {
			if _, taken := b.res[k]; !taken {
				b.res[k] = id
			}
		}
	}
	fs := slices.Clone(in.Findings)
	finding.Sort(fs)
	// Packages first, so that files find the source directories packages
	// create.
	for _, f := range fs {
		if isPackageFinding(f) {
			b.attach(f)
		}
	}
	for _, f := range fs {
		if !isPackageFinding(f) {
			b.attach(f)
		}
	}
	b.linkSources()
	b.linkImages()
	b.linkCopies()
	b.linkCluster()
	return b.graph()
}

func resKey(r finding.Resource) string {
	if r.Kind == "" && r.Name == "" {
		return ""
	}
	return r.Kind + "\x00" + r.Name
}

func (b *builder) asset(a finding.Asset) {
	n, ok := b.nodes[a.ID]
	if !ok {
		n = &Node{ID: a.ID, Kind: a.Kind, Name: a.Name, Layer: a.Layer, Resource: a.Resource, Location: a.Location, Attrs: map[string]string{}}
		b.nodes[a.ID] = n
	}
	if n.Location == (finding.Location{}) {
		n.Location = a.Location
	}
	for _, k := range slices.Sorted(maps.Keys(a.Attrs)) {
		v := a.Attrs[k]
		old, had := n.Attrs[k]
		switch {
		case !had || old == "" || old == "false":
			n.Attrs[k] = v
		case k == "networkPolicies":
			x, _ := strconv.Atoi(old)
			y, _ := strconv.Atoi(v)
			n.Attrs[k] = strconv.Itoa(x + y)
		}
	}
	for _, e := range a.Edges {
		b.edge(a.ID, e.Rel, e.To, "")
	}
	for _, fp := range a.Findings {
		if _, taken := b.owner[fp]; !taken {
			b.owner[fp] = a.ID
		}
	}
}

// edge adds an edge once; the first reason given wins.
func (b *builder) edge(from, rel, to, why string) {
	k := from + "\x00" + rel + "\x00" + to
	if _, ok := b.edges[k]; ok {
		return
	}
	b.edges[k] = &Edge{From: from, Rel: rel, To: to, Why: why}
}

func (b *builder) node(id, kind, name string, layer finding.Layer, res finding.Resource, loc finding.Location) *Node {
	if n, ok := b.nodes[id]; ok {
		return n
	}
	n := &Node{ID: id, Kind: kind, Name: name, Layer: layer, Resource: res, Location: loc, Attrs: map[string]string{}}
	b.nodes[id] = n
	if k := resKey(res); k != "" {
		if _, taken := b.res[k]; !taken {
			b.res[k] = id
		}
	}
	return n
}

// isPackageFinding reports whether a finding is about a dependency: a
// vulnerability, or any Code finding on a package resource.
func isPackageFinding(f finding.Finding) bool {
	if f.CheckID == "FC-VULN-001" {
		return true
	}
	k := f.Resource.Kind
	return f.Layer == finding.LayerCode && (strings.HasSuffix(k, "-module") || strings.HasSuffix(k, "-package") || k == "crate" || k == "gem")
}

// attach puts a finding on the node its resource names, deriving the node
// when no scanner reported it.
func (b *builder) attach(f finding.Finding) {
	if id := b.owner[f.Fingerprint]; id != "" && b.nodes[id] != nil {
		b.nodes[id].Findings = append(b.nodes[id].Findings, f)
		return
	}
	if id := b.lookup(f); id != "" {
		b.nodes[id].Findings = append(b.nodes[id].Findings, f)
		return
	}
	n := b.derive(f)
	n.Findings = append(n.Findings, f)
}

// lookup returns the node a finding's resource names. Packages are told
// apart by their manifest, so they are always derived; cloud resources
// of the same address in two Terraform directories are two resources.
func (b *builder) lookup(f finding.Finding) string {
	if isPackageFinding(f) {
		return ""
	}
	id, ok := b.res[resKey(f.Resource)]
	if !ok {
		return ""
	}
	if n := b.nodes[id]; f.Layer == finding.LayerCloud && n.Location.Path != "" && f.Location.Path != "" &&
		path.Dir(n.Location.Path) != path.Dir(f.Location.Path) {
		return ""
	}
	return id
}

// derive returns the node a finding without an asset belongs to.
func (b *builder) derive(f finding.Finding) *Node {
	p := f.Location.Path
	switch {
	case isPackageFinding(f) && p != "":
		dir := path.Dir(p)
		src := b.node("source:"+dir, "source", dir, finding.LayerCode, finding.Resource{Kind: "source", Name: dir}, finding.Location{Path: dir})
		src.Attrs["manifest"] = appendList(src.Attrs["manifest"], path.Base(p))
		pkg := b.node("package:"+p+"#"+f.Resource.Name, "package", f.Resource.Name, finding.LayerCode, f.Resource, finding.Location{Path: p, StartLine: f.Location.StartLine})
		pkg.Attrs["ecosystem"] = f.Resource.Kind
		b.edge(src.ID, "contains", pkg.ID, "")
		return pkg
	case f.Layer == finding.LayerCode && p != "":
		return b.node("file:"+p, "file", p, finding.LayerCode, f.Resource, finding.Location{Path: p})
	case f.Resource.Kind == "Dockerfile" && p != "":
		return b.node("dockerfile:"+p, "dockerfile", p, finding.LayerContainer, f.Resource, finding.Location{Path: p})
	case f.Layer == finding.LayerCloud:
		id := "cloud:" + f.Resource.String()
		if p != "" {
			id = "cloud:" + path.Dir(p) + "/" + f.Resource.Name
		}
		n := b.node(id, cloudKind(f.Resource.Kind), f.Resource.Name, finding.LayerCloud, f.Resource, finding.Location{Path: p})
		n.Attrs["type"] = f.Resource.Kind
		if p != "" {
			n.Attrs["deployment"] = path.Dir(p)
		}
		if n.Location.StartLine == 0 || (f.Location.StartLine > 0 && f.Location.StartLine < n.Location.StartLine) {
			n.Location.StartLine = f.Location.StartLine
		}
		return n
	}
	name := f.Resource.String()
	if name == "" {
		name = f.Location.String()
	}
	kind := strings.ToLower(f.Resource.Kind)
	if kind == "" {
		kind = "resource"
	}
	return b.node("resource:"+name, kind, name, f.Layer, f.Resource, f.Location)
}

func appendList(list, v string) string {
	if list == "" {
		return v
	}
	if slices.Contains(strings.Split(list, ","), v) {
		return list
	}
	return list + "," + v
}

// cloudKind maps a provider resource type to the kind correlation uses.
func cloudKind(t string) string {
	switch t {
	case "aws_eks_cluster", "google_container_cluster", "azurerm_kubernetes_cluster", "AWS::EKS::Cluster":
		return "cluster"
	case "aws_eks_node_group", "google_container_node_pool", "azurerm_kubernetes_cluster_node_pool", "AWS::EKS::Nodegroup":
		return "nodegroup"
	case "aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account", "azurerm_storage_container", "AWS::S3::Bucket":
		return "bucket"
	case "aws_security_group", "aws_security_group_rule", "google_compute_firewall", "azurerm_network_security_group",
		"azurerm_network_security_rule", "AWS::EC2::SecurityGroup":
		return "securitygroup"
	case "aws_instance", "aws_launch_template", "google_compute_instance", "azurerm_linux_virtual_machine", "AWS::EC2::Instance":
		return "instance"
	case "aws_ebs_volume", "azurerm_managed_disk", "google_compute_disk":
		return "volume"
	case "aws_db_instance", "aws_rds_cluster", "AWS::RDS::DBInstance":
		return "database"
	case "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user", "aws_iam_user_policy_attachment", "aws_iam_access_key":
		return "identity"
	case "aws_kms_key":
		return "key"
	case "aws_ecr_repository":
		return "registry"
	}
	return "cloudresource"
}

// linkSources puts every file node inside the deepest source directory
// that holds it.
func (b *builder) linkSources() {
	var sources []*Node
	for _, n := range b.nodes {
		if n.Kind == "source" {
			sources = append(sources, n)
		}
	}
	slices.SortFunc(sources, func(x, y *Node) int { return cmp.Compare(len(y.Name), len(x.Name)) }) // deepest first
	for _, id := range slices.Sorted(maps.Keys(b.nodes)) {
		n := b.nodes[id]
		if n.Kind != "file" {
			continue
		}
		for _, s := range sources {
			if within(n.Name, s.Name) {
				b.edge(s.ID, "contains", n.ID, "")
				break
			}
		}
	}
}

// within reports whether slash path p is dir or lies under it.
func within(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

// linkCopies adds "copies" edges from each Dockerfile to the source
// directories and files its COPY and ADD instructions take from the build
// context (the Dockerfile's directory).
func (b *builder) linkCopies() {
	ids := slices.Sorted(maps.Keys(b.nodes))
	for _, did := range ids {
		d := b.nodes[did]
		if d.Kind != "dockerfile" || d.Attrs["copies"] == "" {
			continue
		}
		ctx := d.Attrs["context"]
		if ctx == "" {
			ctx = path.Dir(d.Name)
		}
		copies := strings.Split(d.Attrs["copies"], ",")
		for _, id := range ids {
			n := b.nodes[id]
			if n.Kind != "source" && n.Kind != "file" {
				continue
			}
			if src, ok := copied(copies, ctx, n.Name, n.Kind == "source"); ok {
				b.edge(did, "copies", id, "COPY "+src+" in "+d.Name)
			}
		}
	}
}

// copied returns the copy source that brings slash path p (a file, or a
// directory when dir is set) into an image built with context ctx.
func copied(sources []string, ctx, p string, dir bool) (string, bool) {
	if !within(p, ctx) {
		return "", false
	}
	rel := p
	if ctx != "." {
		rel = strings.TrimPrefix(strings.TrimPrefix(p, ctx), "/")
		if rel == "" {
			rel = "."
		}
	}
	for _, s := range sources {
		switch {
		case s == "." || s == rel || within(rel, s):
			return s, true
		case dir && (rel == "." || strings.HasPrefix(s, rel+"/")):
			return s, true // the Dockerfile copies part of the directory
		case strings.ContainsAny(s, "*?["):
			for q := rel; q != "." && q != "/"; q = path.Dir(q) {
				if ok, _ := path.Match(s, q); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// linkCluster adds "hosts" edges from the one Kubernetes cluster the
// infrastructure code declares to every namespace of the manifests. With
// zero or several clusters nothing is assumed.
func (b *builder) linkCluster() {
	var clusters []*Node
	for _, id := range slices.Sorted(maps.Keys(b.nodes)) {
		if n := b.nodes[id]; n.Kind == "cluster" && n.Layer == finding.LayerCloud {
			clusters = append(clusters, n)
		}
	}
	if len(clusters) != 1 {
		return
	}
	for _, id := range slices.Sorted(maps.Keys(b.nodes)) {
		if b.nodes[id].Kind == "namespace" {
			b.edge(clusters[0].ID, "hosts", id, "the scanned tree declares one Kubernetes cluster, "+clusters[0].Name+"; its manifests are taken to run there")
		}
	}
}

// graph freezes the builder into a sorted, indexed graph and puts the
// findings of exposing and binding objects on their edges.
func (b *builder) graph() *Graph {
	g := &Graph{byID: b.nodes, out: map[string][]int{}, in: map[string][]int{}}
	for _, id := range slices.Sorted(maps.Keys(b.nodes)) {
		n := b.nodes[id]
		finding.Sort(n.Findings)
		g.Nodes = append(g.Nodes, n)
	}
	for _, k := range slices.Sorted(maps.Keys(b.edges)) {
		e := *b.edges[k]
		if b.nodes[e.From] == nil || b.nodes[e.To] == nil {
			continue // an edge to something the scan did not see
		}
		switch e.Rel {
		case "exposes", "routes":
			for _, f := range b.nodes[e.From].Findings {
				e.Findings = append(e.Findings, f.Fingerprint)
			}
		case "bound":
			for _, f := range b.nodes[e.To].Findings {
				e.Findings = append(e.Findings, f.Fingerprint)
			}
		}
		g.out[e.From] = append(g.out[e.From], len(g.Edges))
		g.in[e.To] = append(g.in[e.To], len(g.Edges))
		g.Edges = append(g.Edges, e)
	}
	return g
}
