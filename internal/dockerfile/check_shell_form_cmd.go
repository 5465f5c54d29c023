package dockerfile

// FC-DF-027 inspects the CMD and ENTRYPOINT in effect for the final stage
// (its own or inherited from the stages it is built FROM). It fires when
// the one that starts the process is in shell form (CMD node app.js), so
// /bin/sh runs as PID 1 and does not pass SIGTERM on: the container is
// killed instead of stopping cleanly. Allowed: exec form (CMD ["node",
// "app.js"]). A shell-form CMD under an exec-form ENTRYPOINT is reported
// too: it reaches the entrypoint as "/bin/sh -c ...".

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkShellFormCmd() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-027",
			"CMD or ENTRYPOINT in shell form",
			finding.SeverityInfo,
			finding.LayerContainer,
			"In shell form the container's PID 1 is /bin/sh, which does not forward SIGTERM, so the "+
				"application never gets to shut down cleanly and is killed after the grace period.",
			"Use the exec (JSON) form, e.g. CMD [\"node\", \"server.js\"], or exec the process from a script.",
			hadolint("DL3025"),
		),
		Eval: func(f *File) []check.Violation {
			final := f.Final()
			if final == nil {
				return nil
			}
			var out []check.Violation
			for _, kw := range []string{"ENTRYPOINT", "CMD"} {
			lineage:
				for _, s := range f.Lineage(final) {
					for i := len(s.Instructions) - 1; i >= 0; i-- {
						in := s.Instructions[i]
						if in.Keyword != kw {
							continue
						}
						shellForm := false
						switch c := in.Command.(type) {
						case *instructions.CmdCommand:
							shellForm = c.PrependShell && len(c.CmdLine) > 0
						case *instructions.EntrypointCommand:
							shellForm = c.PrependShell && len(c.CmdLine) > 0
						}
						if shellForm {
							out = append(out, check.Violation{
								Message:       fmt.Sprintf("%s in %s is in shell form, so /bin/sh is PID 1 and SIGTERM does not reach the application", kw, stageRef(s)),
								Line:          in.StartLine,
								Discriminator: kw,
							})
						}
						break lineage
					}
				}
			}
			return out
		},
	}
}
