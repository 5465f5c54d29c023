package dockerfile

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
)

func TestAssets(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []finding.Asset
	}{
		{
			name: "multi-stage with labels",
			path: "services/api/Dockerfile",
			src: `ARG GO=1.26
FROM golang:${GO} AS build
LABEL stage=build
COPY go.mod go.sum ./
COPY ./cmd/ /src/cmd/
RUN go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d AS base
LABEL org.opencontainers.image.source=https://github.com/acme/api

FROM base
COPY --from=build /out/api /api
ADD https://example.com/x.tgz /x.tgz
LABEL org.opencontainers.image.title=api
USER 65532
EXPOSE 8080 9000-9001/udp
`,
			want: []finding.Asset{
				{
					ID: "dockerfile:services/api/Dockerfile", Kind: "dockerfile", Name: "services/api/Dockerfile",
					Layer:    finding.LayerContainer,
					Resource: finding.Resource{Kind: "Dockerfile", Name: "services/api/Dockerfile"},
					Location: finding.Location{Path: "services/api/Dockerfile", StartLine: 11},
					Attrs: map[string]string{
						"context":                               "services/api",
						"copies":                                "go.mod,go.sum,cmd",
						"base":                                  "gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d",
						"user":                                  "65532",
						"ports":                                 "8080,9000-9001",
						"label.org.opencontainers.image.source": "https://github.com/acme/api",
						"label.org.opencontainers.image.title":  "api",
					},
					Edges: []finding.Edge{
						{Rel: "from", To: "image:gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d"},
						{Rel: "from", To: "image:golang:1.26"},
					},
				},
				{
					ID: "image:golang:1.26", Kind: "image", Name: "golang:1.26", Layer: finding.LayerContainer,
					Resource: finding.Resource{Kind: "image", Name: "golang:1.26"},
					Attrs:    map[string]string{"repository": "golang", "tag": "1.26"},
				},
				{
					ID: "image:gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d", Kind: "image", Name: "gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d",
					Layer:    finding.LayerContainer,
					Resource: finding.Resource{Kind: "image", Name: "gcr.io/distroless/static@sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d"},
					Attrs:    map[string]string{"repository": "gcr.io/distroless/static", "digest": "sha256:9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d"},
				},
			},
		},
		{
			name: "named file at the root",
			path: "worker.Dockerfile",
			src:  "FROM scratch\nCOPY . /\n",
			want: []finding.Asset{{
				ID: "dockerfile:worker.Dockerfile", Kind: "dockerfile", Name: "worker.Dockerfile",
				Layer:    finding.LayerContainer,
				Resource: finding.Resource{Kind: "Dockerfile", Name: "worker.Dockerfile"},
				Location: finding.Location{Path: "worker.Dockerfile", StartLine: 1},
				Attrs:    map[string]string{"context": ".", "copies": ".", "app": "worker", "user": "", "base": "scratch"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.path, []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, Assets(f)); diff != "" {
				t.Errorf("assets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAppName(t *testing.T) {
	for in, want := range map[string]string{
		"Dockerfile": "", "api.Dockerfile": "api", "Dockerfile.worker": "worker", "web.containerfile": "web",
		"Containerfile": "", "Dockerfile.": "",
	} {
		if got := appName(in); got != want {
			t.Errorf("appName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScanAssetsThroughEngine: the engine takes the scanner's assets, the
// findings are those of Scan, and a .dockerignore beside the file shows.
func TestScanAssetsThroughEngine(t *testing.T) {
	fsys := fstest.MapFS{
		"Dockerfile":     {Data: []byte("FROM ubuntu\nCOPY app/ /app/\n")},
		".dockerignore":  {Data: []byte("**\n!app/\n")},
		"bad/Dockerfile": {Data: []byte("RUN echo no from\n")},
	}
	s := NewScanner(Options{})
	var _ engine.AssetScanner = s
	res, err := engine.Run(context.Background(), fsys, []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range res.Assets {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"dockerfile:Dockerfile", "image:ubuntu"}, ids); diff != "" {
		t.Errorf("asset IDs (-want +got):\n%s", diff)
	}
	if got := res.Assets[0].Attrs["dockerignore"]; got != "true" {
		t.Errorf("dockerignore attr = %q, want true", got)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "bad/Dockerfile" {
		t.Errorf("skipped = %v, want bad/Dockerfile", res.Skipped)
	}
	plain, _ := s.Scan(context.Background(), fsys, []string{"Dockerfile"})
	if len(plain) == 0 || len(plain) != len(res.Findings) {
		t.Errorf("engine found %d findings, Scan %d", len(res.Findings), len(plain))
	}
}
