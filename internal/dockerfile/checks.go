package dockerfile

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// checks returns every Dockerfile check, configured by opts, in ID order.
func checks(opts Options) []check.Check[*File] {
	return []check.Check[*File]{
		checkLatestTag(),
		checkDigestPin(),
		checkRegistry(opts.AllowedRegistries),
		checkRootUser(),
		checkSecretVars(),
		checkSensitiveCopy(),
		checkAddURL(),
		checkPipeToShell(),
		checkUnpinnedPackages(),
		checkPackageCache(),
		checkSudo(),
		checkDaemonPorts(),
		checkHealthcheck(),
		checkWorldWritable(),
		checkInsecureRun(),
		checkUpdateAlone(),
		checkExposedServicePorts(),
		checkCopyContext(),
		checkHostNetwork(),
		checkRelativeWorkdir(),
		checkMultipleCmd(),
		checkCd(),
		checkPipefail(),
		checkAddLocal(),
		checkSetuid(),
		checkTLSDisabled(),
		checkShellFormCmd(),
	}
}

// Checks returns the catalogue of the Dockerfile checks.
func Checks() []check.Meta { return check.Metas(checks(Options{})) }

// References used by several checks.

func cis(section string) finding.Reference {
	return finding.Reference{Source: "CIS Docker Benchmark " + section}
}

func cwe(n int) finding.Reference {
	return finding.Reference{
		Source: "CWE-" + strconv.Itoa(n),
		URL:    "https://cwe.mitre.org/data/definitions/" + strconv.Itoa(n) + ".html",
	}
}

func hadolint(rule string) finding.Reference {
	return finding.Reference{Source: "Hadolint " + rule, URL: "https://github.com/hadolint/hadolint/wiki/" + rule}
}

// stageRef names a stage in a message: `stage "build"` or `stage #0`.
func stageRef(s *Stage) string {
	if s.Name != "" {
		return fmt.Sprintf("stage %q", s.Name)
	}
	return "stage #" + strconv.Itoa(s.Index)
}

// hasFlag reports whether args hold one of the given options, either
// alone or as --name=value.
func hasFlag(args []string, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") && strings.HasPrefix(n, "--") {
				return true
			}
		}
	}
	return false
}

// commandCalls reports whether any command of in, after unwrapping, is
// name (base name) with the first operand sub (when sub is not empty).
func commandCalls(in *Instruction, name, sub string) bool {
	for _, p := range in.Pipelines {
		for _, c := range p {
			args := unwrap(c.Args)
			if len(args) == 0 || path.Base(args[0]) != name {
				continue
			}
			if sub == "" || firstOperand(args[1:]) == sub {
				return true
			}
		}
	}
	return false
}

// firstOperand returns the first argument that is not an option.
func firstOperand(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// redactURL drops credentials and the query from a URL for messages.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, p, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = "REDACTED@" + host[i+1:]
	}
	p, _, hadQuery := strings.Cut(p, "?")
	out := scheme + "://" + host
	if p != "" || strings.Contains(rest, "/") {
		out += "/" + p
	}
	if hadQuery {
		out += "?REDACTED"
	}
	return out
}

// quoteList formats words as "a", "b".
func quoteList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return strings.Join(q, ", ")
}

// cmdText joins a command's words, for discriminators.
func cmdText(c ShellCommand) string { return strings.Join(c.Args, " ") }

// runShellCommands returns the shell commands of one instruction in order.
func runShellCommands(in *Instruction) []ShellCommand {
	var out []ShellCommand
	for _, p := range in.Pipelines {
		for _, c := range p {
			if len(c.Args) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// instrKey identifies an instruction by its text, heredoc bodies included,
// for discriminators that must not depend on line numbers.
func instrKey(in *Instruction) string {
	var b strings.Builder
	b.WriteString(in.Source)
	for _, h := range in.Heredocs {
		b.WriteString("\x00")
		b.WriteString(h.Content)
	}
	return b.String()
}
