package dockerfile

// FC-DF-024 inspects the sources of ADD instructions. It fires when ADD
// copies local files that are not archives, where COPY does the same
// without ADD's implicit extraction and URL handling. Allowed: local
// archives (.tar, .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar.zst, …), which ADD
// extracts on purpose, remote and Git sources, and heredocs.

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var archiveSuffixes = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".tar.z", ".gz", ".bz2", ".xz"}

func checkAddLocal() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-024",
			"ADD used where COPY suffices",
			finding.SeverityLow,
			finding.LayerContainer,
			"ADD silently extracts archives and fetches URLs; using it for plain files hides those behaviours "+
				"and makes a later change of source dangerous.",
			"Use COPY for local files and directories; keep ADD for archives you mean to extract.",
			cis("4.9"),
			hadolint("DL3020"),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				add, ok := in.Command.(*instructions.AddCommand)
				if !ok {
					continue
				}
				var plain []string
				for _, src := range add.SourcePaths {
					if isRemote(src) || hasAnySuffix(strings.ToLower(src), archiveSuffixes...) || strings.ContainsAny(src, "$") {
						continue
					}
					plain = append(plain, src)
				}
				if len(plain) == 0 {
					continue
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("ADD in %s copies local files %s; use COPY", stageRef(s), quoteList(plain)),
					Line:          in.StartLine,
					Discriminator: s.Label() + "\x00" + strings.Join(plain, "\x00"),
				})
			}
			return out
		},
	}
}
