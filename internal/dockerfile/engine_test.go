package dockerfile_test

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
)

var _ engine.Scanner = (*dockerfile.Scanner)(nil)

// TestEngineRun runs the scanner the way the CLI does: through the engine
// over a tree with several Dockerfiles, a broken one and unrelated files.
func TestEngineRun(t *testing.T) {
	fsys := fstest.MapFS{
		"api/Dockerfile":          {Data: []byte("FROM golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nCOPY --from=build /app /app\nUSER 65532\nHEALTHCHECK CMD [\"/app\", \"-health\"]\nENTRYPOINT [\"/app\"]\n")},
		"web/web.Dockerfile":      {Data: []byte("FROM nginx:latest\nEXPOSE 22\n")},
		"broken/Containerfile":    {Data: []byte("FROM alpine:3.20\nRUNX true\n")},
		"web/.dockerignore":       {Data: []byte(".git\n")},
		"README.md":               {Data: []byte("# not a Dockerfile\n")},
		"docs/Dockerfile.md":      {Data: []byte("FROM nothing\n")},
		".git/objects/Dockerfile": {Data: []byte("FROM ignored\n")},
	}
	res, err := engine.Run(t.Context(), fsys, []engine.Scanner{dockerfile.NewScanner(dockerfile.Options{})}, engine.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.CheckID+" "+f.Location.String())
	}
	want := []string{
		"FC-DF-004 web/web.Dockerfile:1",
		"FC-DF-001 web/web.Dockerfile:1",
		"FC-DF-017 web/web.Dockerfile:2",
		"FC-DF-013 web/web.Dockerfile:1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "broken/Containerfile" {
		t.Errorf("skipped = %v, want broken/Containerfile only", res.Skipped)
	}
}
