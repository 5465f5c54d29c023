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

// imageRef is an image reference split into its parts.
type imageRef struct {
	// Registry is the host, "docker.io" when none is written.
	Registry string
	// Repository is the path inside the registry, without Docker Hub's
	// "library/" prefix.
	Repository string
	Tag        string
	Digest     string
}

// parseImage splits a reference as Kubernetes and Docker write it:
// [registry/]path[:tag][@digest]. It never fails; odd input just yields
// odd parts.
func parseImage(ref string) imageRef {
	var r imageRef
	ref = strings.TrimSpace(ref)
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, r.Digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref, r.Tag = ref[:i], ref[i+1:]
	}
	r.Registry = "docker.io"
	if i := strings.IndexByte(ref, '/'); i >= 0 {
		host := ref[:i]
		if strings.ContainsAny(host, ".:") || host == "localhost" {
			r.Registry, ref = host, ref[i+1:]
		}
	}
	if r.Registry == "docker.io" || r.Registry == "index.docker.io" {
		r.Registry = "docker.io"
		ref = strings.TrimPrefix(ref, "library/")
	}
	r.Repository = strings.ToLower(ref)
	return r
}

// sourceRepo normalises an org.opencontainers.image.source URL for
// comparison: no scheme, no trailing slash or ".git", lower case.
func sourceRepo(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return u
}

// nameHint is a name that identifies the application a Dockerfile builds,
// and where it comes from.
type nameHint struct{ name, from string }

// hints returns the names a Dockerfile is known by.
func (b *builder) hints(d *Node) []nameHint {
	var out []nameHint
	add := func(name, from string) {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || name == "." || name == "/" {
			return
		}
		for _, h := range out {
			if h.name == name {
				return
			}
		}
		out = append(out, nameHint{name, from})
	}
	add(d.Attrs["app"], "the Dockerfile's file name")
	ctx := d.Attrs["context"]
	if ctx == "" {
		ctx = path.Dir(d.Name)
	}
	if ctx != "." {
		add(path.Base(ctx), "the Dockerfile's directory")
	} else {
		add(b.root, "the scanned directory, where the Dockerfile is")
	}
	if src := sourceRepo(d.Attrs["label.org.opencontainers.image.source"]); src != "" {
		add(path.Base(src), "the repository its org.opencontainers.image.source label names")
	}
	return out
}

// linkImages adds "builds" edges from Dockerfiles to the images workloads
// run and the images the scan read itself. Rules, strongest first (only the strongest match of an image is
// kept; equal matches are all kept):
//
//  1. a workload running the image carries an org.opencontainers.image.source
//     annotation equal to the Dockerfile's LABEL of that name;
//  2. the last element of the image's repository path is one of the
//     Dockerfile's names (its file name as in api.Dockerfile, its
//     directory, the scanned directory for a Dockerfile at the root, the
//     repository of its org.opencontainers.image.source label);
//  3. another element of the repository path is one of those names.
//
// An image a Dockerfile builds FROM is never taken as built by it.
func (b *builder) linkImages() {
	ids := slices.Sorted(maps.Keys(b.nodes))
	var dockerfiles []*Node
	for _, id := range ids {
		if n := b.nodes[id]; n.Kind == "dockerfile" {
			dockerfiles = append(dockerfiles, n)
		}
	}
	if len(dockerfiles) == 0 {
		return
	}
	runs := map[string][]string{} // image → workloads
	for _, e := range b.edges {
		if e.Rel == "runs" {
			runs[e.To] = append(runs[e.To], e.From)
		}
	}
	for _, id := range ids {
		img := b.nodes[id]
		if img.Kind != "image" || (len(runs[id]) == 0 && img.Attrs["scanned"] == "") {
			continue
		}
		refName := img.Name
		if n := img.Attrs["names"]; n != "" && img.Attrs["scanned"] == img.Name {
			refName, _, _ = strings.Cut(n, ",") // a scanned archive: the name it was tagged with
		}
		ref := parseImage(refName)
		segs := strings.Split(ref.Repository, "/")
		sources := b.sourceAnnotations(runs[id])
		best, links := 0, map[string]string{}
		for _, d := range dockerfiles {
			if _, base := b.edges[d.ID+"\x00from\x00"+id]; base {
				continue
			}
			score, why := b.buildScore(d, ref.Repository, segs, sources)
			switch {
			case score == 0 || score < best:
				continue
			case score > best:
				best, links = score, map[string]string{}
			}
			links[d.ID] = why
		}
		for _, did := range slices.Sorted(maps.Keys(links)) {
			b.edge(did, "builds", id, links[did])
		}
	}
}

// sourceAnnotations returns the repositories the workloads' image source
// annotations name.
func (b *builder) sourceAnnotations(workloads []string) []string {
	var sources []string
	for _, w := range workloads {
		if n := b.nodes[w]; n != nil {
			if s := sourceRepo(n.Attrs["annotation.org.opencontainers.image.source"]); s != "" {
				sources = append(sources, s)
			}
		}
	}
	return sources
}

// buildScore rates how surely Dockerfile d builds the image of repository
// repo (split into segs) that workloads with source annotations sources
// run, by the rules of linkImages (3 to 1, 0 for no link), and says why.
func (b *builder) buildScore(d *Node, repo string, segs, sources []string) (int, string) {
	score, why := 0, ""
	if lbl := sourceRepo(d.Attrs["label.org.opencontainers.image.source"]); lbl != "" && slices.Contains(sources, lbl) {
		score, why = 3, "the workload's org.opencontainers.image.source annotation and the Dockerfile's label both name "+lbl
	}
	for _, h := range b.hints(d) {
		if score >= 2 {
			break
		}
		for i, s := range segs {
			switch {
			case s != h.name:
			case i == len(segs)-1 && score < 2:
				score, why = 2, "image repository "+strconv.Quote(repo)+" is named "+strconv.Quote(h.name)+" like "+h.from
			case score < 1:
				score, why = 1, "image repository path "+strconv.Quote(repo)+" contains "+strconv.Quote(h.name)+", "+h.from
			}
		}
	}
	return score, why
}

// mergeScanned merges each image the scan read itself (an image asset
// with a "scanned" attribute, from `fourc scan --image`) into the image
// node that manifests and Dockerfiles name it by, so that the workloads
// running that reference, and the Dockerfile building it, meet the
// image's own findings. An image node matches when (see sameImage) its
// reference pins the scanned image's digest, or names one of the scanned
// image's references (registry, repository and tag, "latest" when none
// is written) without pinning another digest. The first match by ID keeps
// its ID and name and takes the scanned image's attributes and findings;
// further matches (the same image written twice, by tag and by digest)
// merge into it with their edges. A scanned image nothing matches stays a
// node of its own.
func (b *builder) mergeScanned() {
	ids := slices.Sorted(maps.Keys(b.nodes))
	alias := map[string]string{}
	for _, sid := range ids {
		s := b.nodes[sid]
		if s.Kind != "image" || s.Attrs["scanned"] == "" || alias[sid] != "" {
			continue
		}
		into := ""
		for _, tid := range ids {
			t := b.nodes[tid]
			if tid == sid || t.Kind != "image" || t.Attrs["scanned"] != "" || alias[tid] != "" {
				continue
			}
			why := sameImage(s, t)
			if why == "" {
				continue
			}
			if into == "" {
				into = tid
				alias[sid] = tid
				mergeAttrs(t, s)
				t.Attrs["scannedMatch"] = why
				if t.Location == (finding.Location{}) {
					t.Location = s.Location
				}
				continue
			}
			alias[tid] = into
			mergeAttrs(b.nodes[into], t)
		}
	}
	if len(alias) == 0 {
		return
	}
	for id := range alias {
		delete(b.nodes, id)
	}
	edges := b.edges
	b.edges = map[string]*Edge{}
	for _, k := range slices.Sorted(maps.Keys(edges)) {
		e := edges[k]
		from, to := cmp.Or(alias[e.From], e.From), cmp.Or(alias[e.To], e.To)
		if from != to {
			b.edge(from, e.Rel, to, e.Why)
		}
	}
	for fp, id := range b.owner {
		if a := alias[id]; a != "" {
			b.owner[fp] = a
		}
	}
}

// mergeAttrs copies the attributes of from that into lacks.
func mergeAttrs(into, from *Node) {
	for k, v := range from.Attrs {
		if old, had := into.Attrs[k]; !had || old == "" {
			into.Attrs[k] = v
		}
	}
}

// sameImage says why image node t, a reference a manifest or Dockerfile
// writes, is the scanned image s, or returns "" when it is not.
func sameImage(s, t *Node) string {
	ref := parseImage(t.Name)
	digest := s.Attrs["digest"]
	if digest != "" && (ref.Digest == digest || (ref.Digest == "" && t.Attrs["digest"] == digest)) {
		return "digest " + digest + " of the scanned image " + s.Attrs["scanned"]
	}
	if ref.Digest != "" {
		return "" // pinned to another image
	}
	var names []string
	if n := s.Attrs["names"]; n != "" {
		names = strings.Split(n, ",")
	}
	for _, n := range names {
		r := parseImage(n)
		if r.Digest != "" && r.Tag == "" {
			continue
		}
		if r.Registry == ref.Registry && r.Repository == ref.Repository && cmp.Or(r.Tag, "latest") == cmp.Or(ref.Tag, "latest") {
			if n == s.Attrs["scanned"] {
				return "the scanned image " + strconv.Quote(n) + " is the reference " + strconv.Quote(t.Name)
			}
			return "the scanned image " + s.Attrs["scanned"] + " is tagged " + strconv.Quote(n)
		}
	}
	return ""
}

// imageText names an image node for a person, with the reference the
// image was scanned from when that differs: `"registry.example.com/shop/api:latest"
// (scanned from shop-api.tar)`.
func imageText(n *Node) string {
	text := strconv.Quote(n.Name)
	if s := n.Attrs["scanned"]; s != "" && s != n.Name {
		text += " (scanned from " + s + ")"
	}
	return text
}
