package dockerfile

// Assets for cross-layer correlation. The scanner reports one asset per
// Dockerfile (what it copies from the build context, how its final image
// is labelled and which base images it pulls), so that the posture package
// can link the code in the tree to the image the Dockerfile builds and to
// the workloads that run it.
//
// Asset IDs and kinds:
//
//	dockerfile:PATH   kind "dockerfile"   from → image (each external base image)
//	image:REF         kind "image"        a base image as written after ARG expansion
//
// Attributes of a dockerfile asset (lists are comma-separated, in file order):
//
//	context     the directory of the Dockerfile, taken as the build context ("." for the root)
//	copies      build-context sources of COPY and ADD in every stage, relative to the
//	            context, cleaned ("app", "."); a build stage's COPY counts because what
//	            it compiles ends up in the final image
//	app         an application name the file's own name gives (api.Dockerfile,
//	            Dockerfile.api → "api"), when it gives one
//	base        the final stage's base image (a stage's base resolved to its image)
//	user        the USER of the final stage, "" when none is set (the base image's,
//	            usually root)
//	ports       the ports the final stage exposes
//	dockerignore "true" when a .dockerignore sits beside the file
//	label.KEY   every LABEL of the final stage and the stages it builds on, e.g.
//	            label.org.opencontainers.image.source

import (
	"cmp"
	"context"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// ScanAssets implements engine.AssetScanner: the findings of Scan, and one
// asset per parsed Dockerfile (plus its base images).
func (s *Scanner) ScanAssets(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Asset, []finding.Skipped) {
	var (
		out     []finding.Finding
		assets  []finding.Asset
		skipped []finding.Skipped
	)
	perInput := limits.From(ctx).PerInput
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		fctx, cancel := context.WithTimeout(ctx, perInput)
		f, found, err := s.scanOne(fctx, fsys, p)
		cancel()
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: oneLine(source.Printable(err.Error()))})
			continue
		}
		out = append(out, found...)
		assets = append(assets, Assets(f)...)
	}
	return out, assets, skipped
}

// Assets returns the asset of a parsed Dockerfile, followed by those of its
// external base images.
func Assets(f *File) []finding.Asset {
	ctxDir := path.Dir(f.Path)
	a := finding.Asset{
		ID:       "dockerfile:" + f.Path,
		Kind:     "dockerfile",
		Name:     f.Path,
		Layer:    finding.LayerContainer,
		Resource: finding.Resource{Kind: "Dockerfile", Name: f.Path},
		Location: finding.Location{Path: f.Path},
		Attrs:    map[string]string{"context": ctxDir},
	}
	if final := f.Final(); final != nil {
		a.Location.StartLine = final.From.StartLine
	}

	var copies []string
	for _, in := range f.Instructions() {
		for _, src := range contextSources(in) {
			c := path.Clean(strings.TrimPrefix(src, "/"))
			if !slices.Contains(copies, c) {
				copies = append(copies, c)
			}
		}
	}
	if len(copies) > 0 {
		a.Attrs["copies"] = strings.Join(copies, ",")
	}
	if app := appName(path.Base(f.Path)); app != "" {
		a.Attrs["app"] = app
	}
	if f.HasDockerignore {
		a.Attrs["dockerignore"] = "true"
	}

	if final := f.Final(); final != nil {
		lineage := f.Lineage(final)
		if root := lineage[len(lineage)-1]; root.Base.Ref != "" && root.Base.Stage < 0 {
			a.Attrs["base"] = root.Base.Ref
		}
		user, _ := f.User(final)
		a.Attrs["user"] = user
		var ports []string
		for _, p := range f.ExposedPorts(final) {
			s := strconv.Itoa(p.Number)
			if p.End > p.Number {
				s += "-" + strconv.Itoa(p.End)
			}
			if !slices.Contains(ports, s) {
				ports = append(ports, s)
			}
		}
		if len(ports) > 0 {
			a.Attrs["ports"] = strings.Join(ports, ",")
		}
		// Labels of the earliest stage first, so that later stages win.
		for i := len(lineage) - 1; i >= 0; i-- {
			for _, in := range lineage[i].Instructions {
				if l, ok := in.Command.(*instructions.LabelCommand); ok {
					for _, kv := range l.Labels {
						a.Attrs["label."+kv.Key] = kv.Value
					}
				}
			}
		}
	}

	out := []finding.Asset{a}
	for _, im := range f.BaseImages() {
		id := "image:" + im.Ref
		if slices.ContainsFunc(out[0].Edges, func(e finding.Edge) bool { return e.To == id }) {
			continue
		}
		out[0].Edges = append(out[0].Edges, finding.Edge{Rel: "from", To: id})
		attrs := map[string]string{"repository": im.Name()}
		if im.Tag != "" {
			attrs["tag"] = im.Tag
		}
		if im.Digest != "" {
			attrs["digest"] = im.Digest
		}
		out = append(out, finding.Asset{
			ID:       id,
			Kind:     "image",
			Name:     im.Ref,
			Layer:    finding.LayerContainer,
			Resource: finding.Resource{Kind: "image", Name: im.Ref},
			Attrs:    attrs,
		})
	}
	slices.SortFunc(out[0].Edges, func(x, y finding.Edge) int { return cmp.Compare(x.To, y.To) })
	return out
}

// appName returns the application name a Dockerfile's file name carries:
// "api" for api.Dockerfile, Dockerfile.api, api.containerfile; "" for a
// plain Dockerfile.
func appName(base string) string {
	lower := strings.ToLower(base)
	for _, kind := range []string{"dockerfile", "containerfile"} {
		if name, ok := strings.CutSuffix(lower, "."+kind); ok && name != "" {
			return name
		}
		if name, ok := strings.CutPrefix(lower, kind+"."); ok && name != "" {
			return name
		}
	}
	return ""
}
