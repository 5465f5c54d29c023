package posture

import (
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/finding"
)

// scannedImage is the asset `fourc scan --image REF` adds (image.Result.Asset).
func scannedImage(ref, names, digest string, fingerprints ...string) finding.Asset {
	return finding.Asset{ID: "image:" + ref, Kind: "image", Name: ref, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "image", Name: ref}, Location: finding.Location{Object: ref},
		Attrs:    map[string]string{"scanned": ref, "names": names, "digest": digest, "source": "docker-archive"},
		Findings: fingerprints}
}

func TestSameImage(t *testing.T) {
	const dg = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	const other = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	s := &Node{Attrs: map[string]string{"scanned": "api.tar", "names": "registry.example.com/shop/api:1.4,shop/web", "digest": dg}}
	tests := []struct {
		manifest string
		attrs    map[string]string
		match    bool
	}{
		{"registry.example.com/shop/api:1.4", nil, true},
		{"registry.example.com/shop/api:1.5", nil, false},
		{"registry.example.com/shop/api", nil, false},                              // "latest" is not 1.4
		{"registry.example.com/shop/api:1.4@" + dg, nil, true},                     // pinned to the scanned digest
		{"registry.example.com/shop/api:1.4@" + other, nil, false},                 // pinned to another image
		{"elsewhere.example.com/mirror/api@" + dg, nil, true},                      // the digest alone is the image
		{"other.example.com/shop/api:1.4", nil, false},                             // another registry
		{"docker.io/shop/web", nil, true},                                          // Docker Hub, "latest" on both sides
		{"registry.example.com/shop/api:9", map[string]string{"digest": dg}, true}, // a live cluster resolved the tag to it
	}
	for _, tc := range tests {
		n := &Node{Name: tc.manifest, Attrs: tc.attrs}
		if n.Attrs == nil {
			n.Attrs = map[string]string{}
		}
		if got := sameImage(s, n); (got != "") != tc.match {
			t.Errorf("sameImage(%q) = %q, want a match: %v", tc.manifest, got, tc.match)
		}
	}
}

// An image scanned by --image merges into the image node the Deployment
// runs: one node, the manifest's name, the scan's attributes and every
// finding of the scan (a package vulnerability and a secret in a layer,
// whatever resource they name), built by the Dockerfile; the baked-secret
// path goes Code → Container → Cluster through it.
func TestScannedImageMergesIntoWorkloadImage(t *testing.T) {
	const ref = "registry.example.com/shop/api:1.4"
	assets := workloadAssets(ref, map[string]string{"exposed": "false"})
	// The same image written by digest by a second workload.
	assets = append(assets,
		finding.Asset{ID: "workload:shop/Deployment/worker", Kind: "workload", Name: "shop/worker", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "Deployment", Name: "shop/worker"}, Attrs: map[string]string{"namespace": "shop"},
			Edges: []finding.Edge{{Rel: "runs", To: "image:registry.example.com/shop/api@sha256:abc"}}},
		finding.Asset{ID: "image:registry.example.com/shop/api@sha256:abc", Kind: "image", Name: "registry.example.com/shop/api@sha256:abc",
			Layer: finding.LayerContainer, Resource: finding.Resource{Kind: "image", Name: "registry.example.com/shop/api@sha256:abc"}},
		dockerfileAsset("api/Dockerfile", map[string]string{"context": "api"}),
		scannedImage("build/api.tar", ref, "sha256:abc", "fp-vuln", "fp-secret"),
	)
	vulnF := finding.Finding{CheckID: "FC-IMG-009", Severity: finding.SeverityHigh, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "deb-package", Name: "openssl@3.0.11"}, Location: finding.Location{Object: "build/api.tar /var/lib/dpkg/status"}, Fingerprint: "fp-vuln"}
	secretF := finding.Finding{CheckID: "FC-SEC-006", Severity: finding.SeverityHigh, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "image", Name: "build/api.tar"}, Location: finding.Location{Object: "build/api.tar /app/.env:1"}, Fingerprint: "fp-secret"}
	res := Analyze(Input{Assets: assets, Findings: []finding.Finding{vulnF, secretF}}, Options{})
	g := res.Graph

	if n := g.Node("image:build/api.tar"); n != nil {
		t.Errorf("the scanned image stayed a node of its own: %+v", n)
	}
	if n := g.Node("image:registry.example.com/shop/api@sha256:abc"); n != nil {
		t.Errorf("the digest reference of the same image stayed a node of its own")
	}
	img := g.Node("image:" + ref)
	if img == nil {
		t.Fatal("the Deployment's image node is gone")
	}
	if img.Attrs["scanned"] != "build/api.tar" || img.Attrs["scannedMatch"] == "" {
		t.Errorf("image attrs = %v, want the scan's", img.Attrs)
	}
	var fps []string
	for _, f := range img.Findings {
		fps = append(fps, f.Fingerprint)
	}
	if !slices.Equal(fps, []string{"fp-secret", "fp-vuln"}) && !slices.Equal(fps, []string{"fp-vuln", "fp-secret"}) {
		t.Errorf("image findings = %v, want both of the scan's", fps)
	}
	var runners []string
	for _, e := range g.In(img.ID, "runs") {
		runners = append(runners, e.From)
	}
	if want := []string{"workload:shop/Deployment/api", "workload:shop/Deployment/worker"}; !slices.Equal(runners, want) {
		t.Errorf("workloads running the image = %v, want %v", runners, want)
	}
	if es := g.In(img.ID, "builds"); len(es) != 1 || es[0].From != "dockerfile:api/Dockerfile" {
		t.Errorf("builds edges = %+v, want one from api/Dockerfile", es)
	}
	var found bool
	for _, p := range res.Paths {
		if p.Rule == "FC-PATH-004" && strings.Contains(p.Summary, "(scanned from build/api.tar)") && strings.Contains(p.Summary, "1 secret its own scan found") {
			found = true
		}
	}
	if !found {
		t.Errorf("no FC-PATH-004 path through the scanned image; paths: %+v", res.Paths)
	}
	for _, w := range res.Workloads {
		if w.Node != "workload:shop/Deployment/api" {
			continue
		}
		for _, l := range w.Layers {
			if l.Layer == finding.LayerContainer && (l.State != Open || !strings.Contains(strings.Join(l.Reasons, "; "), "(scanned from build/api.tar)")) {
				t.Errorf("Container row = %+v, want open with the scanned image", l)
			}
		}
	}
}

// A scanned image no manifest names stays a node of its own, with its
// findings, and a Dockerfile whose name its tag carries builds it.
func TestScannedImageAlone(t *testing.T) {
	assets := []finding.Asset{
		dockerfileAsset("api/Dockerfile", map[string]string{"context": "api"}),
		scannedImage("build/api.tar", "registry.example.com/shop/api:1.4", "sha256:abc", "fp-secret"),
	}
	f := finding.Finding{CheckID: "FC-SEC-006", Severity: finding.SeverityHigh, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "image", Name: "build/api.tar"}, Fingerprint: "fp-secret"}
	g := Build(Input{Assets: assets, Findings: []finding.Finding{f}})
	img := g.Node("image:build/api.tar")
	if img == nil || len(img.Findings) != 1 {
		t.Fatalf("scanned image node = %+v, want it with its finding", img)
	}
	if es := g.In(img.ID, "builds"); len(es) != 1 || es[0].From != "dockerfile:api/Dockerfile" {
		t.Errorf("builds edges = %+v, want one from api/Dockerfile", es)
	}
}
