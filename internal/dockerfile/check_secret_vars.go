package dockerfile

// FC-DF-005 inspects the names and values of ARG and ENV instructions,
// global ARGs included. It fires when a name says it holds a credential
// (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY,
// CREDENTIALS, …) and its value, after expansion with the file's own ARG
// and ENV values, is a non-empty literal. Allowed: no value, an empty
// value, a reference to a variable the file gives no value (a build
// argument), booleans and small numbers, and names that describe where a
// secret lives rather than the secret (…_FILE, …_PATH, …_URL, …_ID, …).
// The value never appears in a finding.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var (
	secretName = regexp.MustCompile(`(?i)(passw(or)?d|passphrase|secret|token|api_?key|apikey|private_?key|access_?key|auth_?key|credentials?|client_?secret|_pass$|^pass$)`)
	// secretMeta are suffixes of names that point at a secret or describe
	// it without holding it.
	secretMeta = regexp.MustCompile(`(?i)_(file|path|dir|filename|url|uri|endpoint|host|port|name|id|length|ttl|expiry|expires|timeout|enabled|type|header|env|location|ref)$`)
	notSecret  = regexp.MustCompile(`(?i)^(true|false|yes|no|on|off|none|null|nil|[0-9]{1,5})$`)
)

func checkSecretVars() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-005",
			"Secret in ARG or ENV",
			finding.SeverityHigh,
			finding.LayerContainer,
			"ENV values are stored in the image configuration and ARG values in its build history; "+
				"anyone who can pull the image can read them, and the Dockerfile itself leaks them to source control.",
			"Remove the value from the Dockerfile; pass build-time secrets with RUN --mount=type=secret and runtime secrets through the orchestrator (e.g. a Kubernetes Secret).",
			cis("4.10"),
			cwe(798),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			report := func(where string, v Var) {
				if !secretName.MatchString(v.Name) || secretMeta.MatchString(v.Name) {
					return
				}
				val := strings.TrimSpace(v.Value)
				if !v.HasValue || val == "" || notSecret.MatchString(val) {
					return
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s sets %q to a literal value (redacted)", where, v.Name),
					Line:          v.Line,
					Discriminator: where + "\x00" + v.Name,
				})
			}
			for _, v := range f.Args {
				report("global ARG", v)
			}
			for s, in := range f.Instructions() {
				if in.Keyword != "ARG" && in.Keyword != "ENV" {
					continue
				}
				for _, v := range in.Vars {
					report(in.Keyword+" in "+stageRef(s), v)
				}
			}
			return out
		},
	}
}
