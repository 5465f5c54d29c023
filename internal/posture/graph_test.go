package posture

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestParseImage(t *testing.T) {
	tests := map[string]imageRef{
		"nginx":                                  {Registry: "docker.io", Repository: "nginx"},
		"library/nginx:1.27":                     {Registry: "docker.io", Repository: "nginx", Tag: "1.27"},
		"docker.io/acme/api:v1":                  {Registry: "docker.io", Repository: "acme/api", Tag: "v1"},
		"registry.example.com/shop/api:latest":   {Registry: "registry.example.com", Repository: "shop/api", Tag: "latest"},
		"localhost:5000/app@sha256:abc":          {Registry: "localhost:5000", Repository: "app", Digest: "sha256:abc"},
		"ghcr.io/Acme/API:1.0@sha256:def":        {Registry: "ghcr.io", Repository: "acme/api", Tag: "1.0", Digest: "sha256:def"},
		"localhost/app":                          {Registry: "localhost", Repository: "app"},
		"registry.example.com:8443/team/web:1.2": {Registry: "registry.example.com:8443", Repository: "team/web", Tag: "1.2"},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, parseImage(in)); diff != "" {
			t.Errorf("parseImage(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestCopied(t *testing.T) {
	tests := []struct {
		sources []string
		ctx, p  string
		dir     bool
		want    string
	}{
		{[]string{"app"}, ".", "app/main.go", false, "app"},
		{[]string{"app"}, ".", "application/main.go", false, ""},
		{[]string{"."}, "services/api", "services/api/cmd/main.go", false, "."},
		{[]string{"."}, "services/api", "services/web/main.go", false, ""},
		{[]string{"cmd"}, "services/api", "services/api/cmd/main.go", false, "cmd"},
		{[]string{"go.mod", "go.sum"}, ".", "go.mod", false, "go.mod"},
		{[]string{"*.go"}, ".", "main.go", false, "*.go"},
		{[]string{"src/*"}, ".", "src/pkg/a.go", false, "src/*"},
		{[]string{"app/cmd"}, ".", "app", true, "app/cmd"}, // part of a module directory
		{[]string{"app/cmd"}, ".", "app", false, ""},
		{[]string{"app"}, "deploy", "app/main.go", false, ""}, // outside the build context
	}
	for _, tc := range tests {
		got, ok := copied(tc.sources, tc.ctx, tc.p, tc.dir)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("copied(%v, %q, %q, %v) = %q, %v; want %q", tc.sources, tc.ctx, tc.p, tc.dir, got, ok, tc.want)
		}
	}
}

// workloadAssets is a small system: a workload running an image, and the
// assets around it.
func workloadAssets(image string, wattrs map[string]string) []finding.Asset {
	attrs := map[string]string{"namespace": "shop", "kind": "Deployment", "token": "true"}
	for k, v := range wattrs {
		attrs[k] = v
	}
	return []finding.Asset{
		{ID: "workload:shop/Deployment/api", Kind: "workload", Name: "shop/api", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "Deployment", Name: "shop/api"}, Attrs: attrs,
			Edges: []finding.Edge{{Rel: "runs", To: "image:" + image}, {Rel: "in", To: "namespace:shop"}, {Rel: "uses", To: "serviceaccount:shop/default"}}},
		{ID: "image:" + image, Kind: "image", Name: image, Layer: finding.LayerContainer, Resource: finding.Resource{Kind: "image", Name: image}},
		{ID: "namespace:shop", Kind: "namespace", Name: "shop", Layer: finding.LayerCluster, Resource: finding.Resource{Kind: "Namespace", Name: "shop"},
			Attrs: map[string]string{"declared": "true", "psaEnforce": "restricted"}},
		{ID: "serviceaccount:shop/default", Kind: "serviceaccount", Name: "shop/default", Layer: finding.LayerCluster,
			Resource: finding.Resource{Kind: "ServiceAccount", Name: "shop/default"}},
	}
}

func dockerfileAsset(p string, attrs map[string]string) finding.Asset {
	return finding.Asset{ID: "dockerfile:" + p, Kind: "dockerfile", Name: p, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "Dockerfile", Name: p}, Location: finding.Location{Path: p}, Attrs: attrs}
}

// TestImageLinks covers the rules that tie a workload's image to the
// Dockerfile that builds it, and the reason each edge records.
func TestImageLinks(t *testing.T) {
	tests := []struct {
		name   string
		image  string
		wattrs map[string]string
		dfs    []finding.Asset
		root   string
		want   map[string]string // dockerfile ID → reason fragment
	}{
		{
			name:  "directory names the image",
			image: "ghcr.io/acme/api:1.0",
			dfs: []finding.Asset{
				dockerfileAsset("services/api/Dockerfile", map[string]string{"context": "services/api"}),
				dockerfileAsset("services/web/Dockerfile", map[string]string{"context": "services/web"}),
			},
			want: map[string]string{"dockerfile:services/api/Dockerfile": `is named "api" like the Dockerfile's directory`},
		},
		{
			name:  "file name beats the scan root",
			image: "registry.example.com/shop/worker:2",
			dfs: []finding.Asset{
				dockerfileAsset("Dockerfile", map[string]string{"context": "."}),
				dockerfileAsset("worker.Dockerfile", map[string]string{"context": ".", "app": "worker"}),
			},
			root: "shop",
			want: map[string]string{"dockerfile:worker.Dockerfile": `is named "worker" like the Dockerfile's file name`},
		},
		{
			name:  "scan root for a Dockerfile at the root",
			image: "registry.example.com/shop/api:latest",
			dfs:   []finding.Asset{dockerfileAsset("Dockerfile", map[string]string{"context": "."})},
			root:  "shop",
			want:  map[string]string{"dockerfile:Dockerfile": `contains "shop", the scanned directory`},
		},
		{
			name:   "OCI source annotation and label",
			image:  "registry.example.com/team/frontend:3",
			wattrs: map[string]string{"annotation.org.opencontainers.image.source": "https://github.com/acme/storefront.git"},
			dfs: []finding.Asset{
				dockerfileAsset("web/Dockerfile", map[string]string{"context": "web", "label.org.opencontainers.image.source": "https://github.com/acme/storefront"}),
				dockerfileAsset("frontend/Dockerfile", map[string]string{"context": "frontend"}),
			},
			want: map[string]string{"dockerfile:web/Dockerfile": "org.opencontainers.image.source annotation and the Dockerfile's label both name github.com/acme/storefront"},
		},
		{
			name:  "no match",
			image: "docker.io/library/redis:7",
			dfs:   []finding.Asset{dockerfileAsset("services/api/Dockerfile", map[string]string{"context": "services/api"})},
			root:  "shop",
			want:  map[string]string{},
		},
		{
			name:  "a base image is not built by the Dockerfile that uses it",
			image: "registry.example.com/shop/base:1",
			dfs: []finding.Asset{func() finding.Asset {
				a := dockerfileAsset("base/Dockerfile", map[string]string{"context": "base"})
				a.Edges = []finding.Edge{{Rel: "from", To: "image:registry.example.com/shop/base:1"}}
				return a
			}()},
			want: map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assets := append(workloadAssets(tc.image, tc.wattrs), tc.dfs...)
			g := Build(Input{Assets: assets, RootName: tc.root})
			got := map[string]string{}
			for _, e := range g.In("image:"+tc.image, "builds") {
				got[e.From] = e.Why
			}
			if len(got) != len(tc.want) {
				t.Fatalf("builds edges = %v, want %v", got, tc.want)
			}
			for id, frag := range tc.want {
				if !strings.Contains(got[id], frag) {
					t.Errorf("edge from %s: reason %q does not contain %q", id, got[id], frag)
				}
			}
		})
	}
}

// TestBuildAttachesFindings: findings land on the assets their resources
// name, or on nodes derived from them, and code is linked to the
// Dockerfile that copies it.
func TestBuildAttachesFindings(t *testing.T) {
	assets := append(workloadAssets("registry.example.com/shop/api:1", nil),
		dockerfileAsset("Dockerfile", map[string]string{"context": ".", "copies": "app"}))
	fs := []finding.Finding{
		{CheckID: "FC-K8S-101", Severity: finding.SeverityHigh, Layer: finding.LayerCluster, Resource: finding.Resource{Kind: "Deployment", Name: "shop/api"}, Fingerprint: "a"},
		{CheckID: "FC-DF-004", Severity: finding.SeverityHigh, Layer: finding.LayerContainer, Resource: finding.Resource{Kind: "Dockerfile", Name: "Dockerfile"}, Location: finding.Location{Path: "Dockerfile", StartLine: 3}, Fingerprint: "b"},
		{CheckID: "FC-VULN-001", Severity: finding.SeverityHigh, Layer: finding.LayerCode, Resource: finding.Resource{Kind: "go-module", Name: "golang.org/x/net@v0.17.0"}, Location: finding.Location{Path: "app/go.mod", StartLine: 5}, Fingerprint: "c"},
		{CheckID: "FC-SEC-001", Severity: finding.SeverityCritical, Layer: finding.LayerCode, Resource: finding.Resource{Kind: "file", Name: "app/main.go"}, Location: finding.Location{Path: "app/main.go", StartLine: 9}, Fingerprint: "d"},
		{CheckID: "FC-SEC-001", Severity: finding.SeverityCritical, Layer: finding.LayerCode, Resource: finding.Resource{Kind: "file", Name: "tools/x.sh"}, Location: finding.Location{Path: "tools/x.sh", StartLine: 1}, Fingerprint: "e"},
		{CheckID: "FC-AWS-005", Severity: finding.SeverityMedium, Layer: finding.LayerCloud, Resource: finding.Resource{Kind: "aws_s3_bucket", Name: "aws_s3_bucket.b"}, Location: finding.Location{Path: "infra/main.tf", StartLine: 4}, Fingerprint: "f"},
		{CheckID: "FC-AWS-005", Severity: finding.SeverityMedium, Layer: finding.LayerCloud, Resource: finding.Resource{Kind: "aws_s3_bucket", Name: "aws_s3_bucket.b"}, Location: finding.Location{Path: "other/main.tf", StartLine: 4}, Fingerprint: "g"},
	}
	g := Build(Input{Findings: fs, Assets: assets, RootName: "shop"})
	where := map[string]string{}
	for _, n := range g.Nodes {
		for _, f := range n.Findings {
			where[f.Fingerprint] = n.ID
		}
	}
	want := map[string]string{
		"a": "workload:shop/Deployment/api",
		"b": "dockerfile:Dockerfile",
		"c": "package:app/go.mod#golang.org/x/net@v0.17.0",
		"d": "file:app/main.go",
		"e": "file:tools/x.sh",
		"f": "cloud:infra/aws_s3_bucket.b",
		"g": "cloud:other/aws_s3_bucket.b",
	}
	if diff := cmp.Diff(want, where); diff != "" {
		t.Errorf("findings attached to (-want +got):\n%s", diff)
	}
	edges := map[string]bool{}
	for _, e := range g.Edges {
		edges[e.From+" "+e.Rel+" "+e.To] = true
	}
	for _, e := range []string{
		"dockerfile:Dockerfile builds image:registry.example.com/shop/api:1",
		"dockerfile:Dockerfile copies source:app",
		"dockerfile:Dockerfile copies file:app/main.go",
		"source:app contains package:app/go.mod#golang.org/x/net@v0.17.0",
		"source:app contains file:app/main.go",
	} {
		if !edges[e] {
			t.Errorf("missing edge %s", e)
		}
	}
	if edges["dockerfile:Dockerfile copies file:tools/x.sh"] {
		t.Error("tools/x.sh is not copied by COPY app")
	}
	if n := g.Node("cloud:infra/aws_s3_bucket.b"); n.Kind != "bucket" || n.Attrs["deployment"] != "infra" {
		t.Errorf("bucket node = %+v", n)
	}
}

// TestCustomRules: a CEL rule finds paths on the workloads it matches,
// puts the findings its expression names on the steps, and bad rules are
// rejected with a reason.
func TestCustomRules(t *testing.T) {
	assets := workloadAssets("registry.example.com/shop/api:1", map[string]string{"privileged": "true"})
	assets = append(assets, finding.Asset{
		ID: "service:shop/api", Kind: "service", Name: "shop/api", Layer: finding.LayerCluster,
		Resource: finding.Resource{Kind: "Service", Name: "shop/api"},
		Attrs:    map[string]string{"type": "NodePort", "exposure": "internet", "ports": "80"},
		Edges:    []finding.Edge{{Rel: "exposes", To: "workload:shop/Deployment/api"}},
	})
	fs := []finding.Finding{{CheckID: "FC-K8S-101", Severity: finding.SeverityHigh, Layer: finding.LayerCluster,
		Resource: finding.Resource{Kind: "Deployment", Name: "shop/api"}, Fingerprint: "p"}}

	rs, err := ParseRules([]byte(`
- id: ACME-001
  title: Exposed privileged workload
  severity: critical
  when: workload.exposed && workload.findings.exists(f, f.check == "FC-K8S-101")
- id: ACME-002
  title: Never matches
  severity: low
  when: workload.namespace.psaEnforce == "privileged"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := Analyze(Input{Findings: fs, Assets: assets}, Options{Rules: rs})
	var custom []Path
	for _, p := range r.Paths {
		if strings.HasPrefix(p.Rule, "ACME-") {
			custom = append(custom, p)
		}
	}
	if len(custom) != 1 || custom[0].ID != "ACME-001:workload:shop/Deployment/api" || custom[0].Severity != finding.SeverityCritical {
		t.Fatalf("custom paths = %+v", custom)
	}
	found := false
	for _, s := range custom[0].Steps {
		for _, f := range s.Findings {
			found = found || f.Fingerprint == "p"
		}
	}
	if !found {
		t.Errorf("FC-K8S-101, named in the expression, is on no step: %+v", custom[0].Steps)
	}
	if len(r.Notices) != 0 {
		t.Errorf("notices = %v", r.Notices)
	}

	bad := []struct{ yaml, want string }{
		{"- {id: X, title: t, severity: high, when: 'workload.exposed &&'}", "compiling when"},
		{"- {id: X, title: t, severity: high, when: '1 + 2'}", "want bool"},
		{"- {id: FC-PATH-900, title: t, severity: high, when: 'true'}", "reserved"},
		{"- {id: X, title: t, severity: urgent, when: 'true'}", "severity"},
		{"- {id: X, title: t, severity: high, when: 'true'}\n- {id: X, title: u, severity: high, when: 'true'}", "duplicate"},
		{"- {id: X, severity: high, when: 'true'}", "title is required"},
		{"- {id: X, title: t, severity: high, when: 'true', colour: red}", "colour"},
	}
	for _, tc := range bad {
		if _, err := ParseRules([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRules(%s) = %v, want an error about %q", tc.yaml, err, tc.want)
		}
	}

	// A rule that fails at run time (a key that is not there) is reported,
	// not fatal.
	rs, err = ParseRules([]byte(`- {id: X, title: t, severity: high, when: 'workload.nope == 1'}`))
	if err != nil {
		t.Fatal(err)
	}
	r = Analyze(Input{Findings: fs, Assets: assets}, Options{Rules: rs})
	if len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "posture rule X failed on 1 workload") {
		t.Errorf("notices = %v", r.Notices)
	}
}

// TestEmptyInput: nothing scanned scores 100 everywhere, not assessed.
func TestEmptyInput(t *testing.T) {
	r := Analyze(Input{}, Options{})
	if len(r.Paths) != 0 || len(r.Workloads) != 0 {
		t.Errorf("paths %v, workloads %v", r.Paths, r.Workloads)
	}
	for _, s := range r.Scores {
		if s.Score != 100 || s.Assessed {
			t.Errorf("score %+v, want 100, not assessed", s)
		}
	}
}
