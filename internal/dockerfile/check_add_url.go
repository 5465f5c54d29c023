package dockerfile

// FC-DF-007 inspects the sources and --checksum flag of ADD instructions.
// It fires when ADD downloads an http:// or https:// URL without
// --checksum, so the content is never verified. Allowed: ADD with
// --checksum=sha256:…, Git sources (pinned by ref), and local sources
// (see FC-DF-024). URLs appear in messages without credentials or query.

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAddURL() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-007",
			"ADD downloads a remote URL without a checksum",
			finding.SeverityMedium,
			finding.LayerContainer,
			"ADD fetches remote URLs with no integrity check: whoever controls the server or the path to it "+
				"controls what goes into the image.",
			"Add --checksum=sha256:<digest> to the ADD, or download with curl and verify the checksum or signature in the same RUN.",
			cis("4.9"),
			hadolint("DL3020"),
			cwe(494),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				add, ok := in.Command.(*instructions.AddCommand)
				if !ok || add.Checksum != "" {
					continue
				}
				// Show sources as written when expansion lost parts of them.
				written := add.SourcePaths
				if raw := addSources(in); len(in.Unresolved) > 0 && len(raw) == len(written) {
					written = raw
				}
				for i, src := range add.SourcePaths {
					lower := strings.ToLower(src)
					if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") || isGitURL(lower) {
						continue
					}
					shown := redactURL(written[i])
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("ADD in %s downloads %q without --checksum", stageRef(s), shown),
						Line:          in.StartLine,
						Discriminator: s.Label() + "\x00" + shown,
					})
				}
			}
			return out
		},
	}
}

// isGitURL reports whether an ADD source is a Git repository, which
// BuildKit clones (and pins by the ref after #).
func isGitURL(lower string) bool {
	u, _, _ := strings.Cut(lower, "#")
	u, _, _ = strings.Cut(u, "?")
	return strings.HasSuffix(u, ".git")
}

// addSources returns the sources of an ADD as written, without heredocs
// and the destination; JSON form is decoded by the parser already.
func addSources(in *Instruction) []string {
	if len(in.Args) < 2 {
		return nil
	}
	var out []string
	for _, a := range in.Args[:len(in.Args)-1] {
		if !strings.HasPrefix(a, "<<") {
			out = append(out, a)
		}
	}
	return out
}
