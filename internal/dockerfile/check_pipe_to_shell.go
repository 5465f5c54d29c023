package dockerfile

// FC-DF-008 inspects the shell commands of RUN instructions (heredoc
// scripts and `sh -c` code included). It fires when the output of curl,
// wget or fetch is piped into a shell or interpreter that executes its
// standard input (sh, bash, …, python, perl, ruby, node, php), or when a
// shell, eval or source runs a download through $(…), `…` or <(…).
// Allowed: downloads saved to a file (and verified) before running, and
// interpreters given their code with -c/-e/-m or a script file.

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var (
	downloaders  = set("curl", "wget", "fetch")
	interpreters = set("python", "python2", "python3", "perl", "ruby", "node", "php")
	// substitutedDownload matches $(curl …), `wget …` and <(curl …).
	substitutedDownload = regexp.MustCompile("(\\$\\(|<\\(|`)\\s*(\\S*/)?(curl|wget|fetch)\\b")
)

// readsStdinCode reports whether a command executes code from its standard
// input.
func readsStdinCode(args []string) bool {
	if len(args) == 0 {
		return false
	}
	name := path.Base(args[0])
	switch {
	case shells[name]:
		for _, a := range args[1:] {
			switch {
			case a == "-s" || a == "--" || a == "-":
				return true
			case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "c"):
				return false
			case !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "+"):
				return false
			}
		}
		return true
	case interpreters[name] || strings.HasPrefix(name, "python3."):
		for _, a := range args[1:] {
			switch {
			case a == "-":
				return true
			case a == "-c" || a == "-e" || a == "-m" || a == "-r" || a == "-E":
				return false
			case !strings.HasPrefix(a, "-"):
				return false
			}
		}
		return true
	}
	return false
}

func checkPipeToShell() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-008",
			"Downloaded script piped into a shell",
			finding.SeverityHigh,
			finding.LayerContainer,
			"Piping a download straight into a shell runs whatever the server returns, unverified, "+
				"with the build's privileges; a compromised or spoofed server owns the image.",
			"Download the script or binary to a file, verify its checksum or signature, then run it; or use ADD --checksum.",
			cis("4.11"),
			cwe(494),
			cwe(829),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, p := range in.Pipelines {
					for i, c := range p {
						args := unwrap(c.Args)
						if len(args) == 0 {
							continue
						}
						name := path.Base(args[0])
						if i > 0 && readsStdinCode(args) {
							for _, prev := range p[:i] {
								if dl := unwrap(prev.Args); len(dl) > 0 && downloaders[path.Base(dl[0])] {
									out = append(out, check.Violation{
										Message:       fmt.Sprintf("RUN in %s pipes the output of %s into %s", stageRef(s), path.Base(dl[0]), name),
										Line:          c.Line,
										Discriminator: s.Label() + "\x00" + cmdText(prev) + "|" + cmdText(c),
									})
									break
								}
							}
						}
						if shells[name] || name == "eval" || name == "source" || name == "." {
							for _, a := range args[1:] {
								if m := substitutedDownload.FindStringSubmatch(a); m != nil {
									out = append(out, check.Violation{
										Message:       fmt.Sprintf("RUN in %s runs a script downloaded by %s with %s", stageRef(s), m[3], name),
										Line:          c.Line,
										Discriminator: s.Label() + "\x00" + cmdText(c),
									})
									break
								}
							}
						}
					}
				}
			}
			return out
		},
	}
}
