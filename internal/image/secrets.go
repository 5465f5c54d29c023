package image

import (
	"fmt"
	"io/fs"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/secret"
)

// maxSecretFile is the largest file searched for secrets.
const maxSecretFile = 8 << 20

// noSecretDirs hold distribution data (manuals, locales, time zones) that
// is compressed or binary and never carries a user's secret.
var noSecretDirs = []string{"usr/share/man/", "usr/share/locale/", "usr/share/zoneinfo/", "usr/share/i18n/", "usr/lib/locale/"}

// secretCandidate is the walker's InspectWants for the secret scan.
func secretCandidate(p string, fi fs.FileInfo) bool {
	if fi.Size() == 0 || fi.Size() > maxSecretFile {
		return false
	}
	for _, d := range noSecretDirs {
		if strings.HasPrefix(p, d) {
			return false
		}
	}
	return true
}

type secretHit struct {
	entry Entry
	match secret.Match
}

// secretFindings reports the secrets found in layer files. A file that a
// later layer deleted or replaced is "hidden in layers": invisible in the
// running container but still in the image for anyone who pulls it.
func secretFindings(det *secret.Detector, res *Result, v *View, hits []secretHit) []finding.Finding {
	where := entryWhere(res, v)
	var out []finding.Finding
	for _, h := range hits {
		e := h.entry
		loc := layerLocation(e.Path, res.Layers, e.Layer)
		loc.StartLine = h.match.Line
		out = append(out, inContainer(det.Finding(h.match, res.resource(), loc, where(e))))
	}
	return out
}

// entryWhere returns a function naming where a layer's file is: its path
// and layer and, for a file that a later layer deleted or replaced, that
// it is "hidden in layers": invisible in the running container but still
// in the image for anyone who pulls it.
func entryWhere(res *Result, v *View) func(Entry) string {
	removedBy := map[string]int{}
	for _, r := range v.Removed() {
		removedBy[fmt.Sprint(r.AddedIn, "\x00", r.Path)] = r.RemovedIn
	}
	return func(e Entry) string {
		where := fmt.Sprintf("/%s in %s", e.Path, res.Layers[e.Layer].Name())
		fi, ok := v.Info(e.Path)
		if ok && fi.Layer == e.Layer {
			return where
		}
		switch by, deleted := removedBy[fmt.Sprint(e.Layer, "\x00", e.Path)]; {
		case deleted:
			return where + fmt.Sprintf(", deleted in %s but still in the image (hidden in layers)", res.Layers[by].Name())
		case ok:
			return where + fmt.Sprintf(", replaced in %s but still in the image (hidden in layers)", res.Layers[fi.Layer].Name())
		default:
			return where + ", deleted by a later layer but still in the image (hidden in layers)"
		}
	}
}

// inContainer moves a secret finding to the Container layer: a secret
// baked into an image ships with every copy of it, whatever the source
// tree it came from.
func inContainer(f finding.Finding) finding.Finding {
	f.Layer = finding.LayerContainer
	return f
}

// configSecrets searches the image configuration: environment variables,
// labels, entrypoint and command, and the history's build commands.
func configSecrets(det *secret.Detector, res *Result, cfg *v1.ConfigFile) []finding.Finding {
	var out []finding.Finding
	scan := func(data, where, object string) {
		for _, m := range det.Scan([]byte(data)) {
			out = append(out, inContainer(det.Finding(m, res.resource(), finding.Location{Object: object}, where)))
		}
	}
	for _, e := range cfg.Config.Env {
		k, _, _ := strings.Cut(e, "=")
		scan(e, "ENV "+k, "config.Env")
	}
	for k, val := range cfg.Config.Labels {
		scan(k+"="+val, "LABEL "+k, "config.Labels")
	}
	if len(cfg.Config.Entrypoint) > 0 {
		scan(strings.Join(cfg.Config.Entrypoint, " "), "ENTRYPOINT", "config.Entrypoint")
	}
	if len(cfg.Config.Cmd) > 0 {
		scan(strings.Join(cfg.Config.Cmd, " "), "CMD", "config.Cmd")
	}
	for i, h := range cfg.History {
		scan(h.CreatedBy, fmt.Sprintf("history entry %d (%s)", i, shorten(redactedStep(h.CreatedBy), 60)), fmt.Sprintf("history[%d]", i))
	}
	return out
}

// redactedStep names a build step without its arguments, which may hold
// the very secret being reported.
func redactedStep(s string) string {
	f := strings.Fields(cleanCreatedBy(s))
	if len(f) == 0 {
		return "empty"
	}
	if len(f) > 1 {
		return f[0] + " …"
	}
	return f[0]
}
