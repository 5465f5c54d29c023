package dockerfile

// FC-DF-018 inspects COPY and ADD instructions that read the build context.
// It fires when one copies the whole context ("." , "./", "*" or "./*")
// and no .dockerignore (nor <Dockerfile>.dockerignore) sits beside the
// Dockerfile, so .git, .env files and keys in the context land in the
// image. Allowed: narrower sources, or any .dockerignore present.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkCopyContext() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-018",
			"Whole build context copied without a .dockerignore",
			finding.SeverityMedium,
			finding.LayerContainer,
			"Copying the whole build context without a .dockerignore ships everything in the directory, "+
				"including Git history, local environment files and keys, into the image.",
			"Add a .dockerignore that excludes .git, .env*, keys and build output, or copy only the files the image needs.",
			cis("4.10"),
			cwe(538),
		),
		Eval: func(f *File) []check.Violation {
			if f.HasDockerignore {
				return nil
			}
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, src := range contextSources(in) {
					switch src {
					case ".", "./", "*", "./*":
					default:
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s %s in %s copies the whole build context and there is no .dockerignore beside the Dockerfile", in.Keyword, src, stageRef(s)),
						Line:          in.StartLine,
						Discriminator: s.Label() + "\x00" + instrKey(in),
					})
					break
				}
			}
			return out
		},
	}
}
