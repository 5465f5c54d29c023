package dockerfile

// FC-DF-004 inspects the USER in effect at the end of the final stage: its
// own last USER, or the one of the earlier stage it is built FROM. It fires
// when there is none (the base image's default user, usually root, runs the
// container) or when it is root: "root", "0", "root:…" or "0:…". Allowed:
// any other user; a USER whose value comes from an ARG without a default;
// and, when no USER is set, base images whose reference says "nonroot" or
// "rootless" (e.g. gcr.io/distroless/static:nonroot), which set one.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkRootUser() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-004",
			"Final stage runs as root",
			finding.SeverityHigh,
			finding.LayerContainer,
			"A container that runs as root turns any code execution into root inside the container, "+
				"one kernel or runtime bug away from the node.",
			"Create an unprivileged user in the image and switch to it with USER (e.g. USER 10001:10001) as the last USER of the final stage.",
			cis("4.1"),
			hadolint("DL3002"),
			cwe(250),
		),
		Eval: func(f *File) []check.Violation {
			final := f.Final()
			if final == nil {
				return nil
			}
			user, in := f.User(final)
			if in == nil {
				root := f.Lineage(final)
				base := root[len(root)-1].Base
				ref := strings.ToLower(base.Ref)
				if base.Unresolved || strings.Contains(ref, "nonroot") || strings.Contains(ref, "rootless") {
					return nil
				}
				return []check.Violation{{
					Message:       fmt.Sprintf("final %s sets no USER, so the container runs as the base image's default user, usually root", stageRef(final)),
					Line:          final.From.StartLine,
					Discriminator: "no-user",
				}}
			}
			if len(in.Unresolved) > 0 {
				return nil
			}
			name, _, _ := strings.Cut(strings.TrimSpace(user), ":")
			if name != "root" && name != "0" {
				return nil
			}
			return []check.Violation{{
				Message:       fmt.Sprintf("final %s runs as root: USER %s", stageRef(final), user),
				Line:          in.StartLine,
				Discriminator: "root",
			}}
		},
	}
}
