package dockerfile

// FC-DF-026 inspects the shell commands of RUN instructions and the names
// and values of ARG and ENV. It fires when TLS certificate or package
// signature verification is turned off: curl -k/--insecure, wget
// --no-check-certificate, pip --trusted-host, git http.sslVerify=false,
// npm/yarn strict-ssl false, apt-get --allow-unauthenticated or
// --allow-insecure-repositories, apk --allow-untrusted, yum/dnf/rpm
// --nogpgcheck or --nosignature, zypper --no-gpg-checks, and the variables
// GIT_SSL_NO_VERIFY, NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0,
// NPM_CONFIG_STRICT_SSL=false and PIP_TRUSTED_HOST. Allowed: everything
// that keeps verification on.

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// curlValueOpts are curl's short options that take a value, which ends a
// cluster of short options such as -fsSLo.
const curlValueOpts = "bcdeEFHKmoPQrtTuUwxXyYzACD"

// falsy reports whether a setting's value turns something off.
func falsy(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"'`)) {
	case "false", "0", "no", "off":
		return true
	}
	return false
}

// insecureVar reports whether NAME=VALUE disables verification.
func insecureVar(name, value string) bool {
	switch strings.ToUpper(name) {
	case "GIT_SSL_NO_VERIFY":
		return value != "" && !falsy(value)
	case "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY", "NPM_CONFIG_STRICT_SSL":
		return falsy(value)
	case "PIP_TRUSTED_HOST":
		return value != ""
	}
	return false
}

// insecureOption returns the option that disables verification in a
// command, or "".
func insecureOption(args []string) string {
	if len(args) == 0 {
		return ""
	}
	tool := path.Base(args[0])
	rule, pip := insecureRule(tool), pipName.MatchString(tool)
	if rule == nil && !pip {
		return ""
	}
	lower := make([]string, len(args))
	for i, a := range args {
		lower[i] = strings.ToLower(a)
	}
	for i := 1; i < len(args); i++ {
		a, next := lower[i], ""
		if i+1 < len(args) {
			next = lower[i+1]
		}
		if rule != nil {
			if opt := rule(a, next, args[i]); opt != "" {
				return opt
			}
		}
		if pip && (a == "--trusted-host" || strings.HasPrefix(a, "--trusted-host=")) {
			return "--trusted-host"
		}
	}
	return ""
}

// optionRule judges one argument of a command: a is it lowercased, next
// the argument after it (lowercased, or ""), orig it as written. It returns
// the option that disables verification, or "".
type optionRule func(a, next, orig string) string

// insecureRule returns the rule for a tool's arguments, or nil.
func insecureRule(tool string) optionRule {
	switch tool {
	case "curl":
		return curlInsecure
	case "wget":
		return anyOf("--no-check-certificate")
	case "git":
		return gitInsecure
	case "npm", "yarn", "pnpm":
		return npmInsecure
	case "apt-get", "apt", "aptitude":
		return aptInsecure
	case "apk":
		return anyOf("--allow-untrusted")
	case "yum", "dnf", "microdnf", "tdnf", "rpm":
		return rpmInsecure
	case "zypper":
		return anyOf("--no-gpg-checks")
	}
	return nil
}

// anyOf is the rule of a tool whose insecure options are plain flags.
func anyOf(flags ...string) optionRule {
	return func(a, _, _ string) string {
		if slices.Contains(flags, a) {
			return a
		}
		return ""
	}
}

// curlInsecure finds --insecure, --proxy-insecure, or k among combined
// short options (up to the first option that takes a value).
func curlInsecure(a, _, orig string) string {
	if a == "--insecure" || a == "--proxy-insecure" {
		return a
	}
	if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") {
		for _, r := range orig[1:] {
			if r == 'k' {
				return "-k"
			}
			if strings.ContainsRune(curlValueOpts, r) {
				break
			}
		}
	}
	return ""
}

// gitInsecure finds http.sslVerify set false, as -c NAME=VALUE or as
// git config NAME VALUE.
func gitInsecure(a, next, _ string) string {
	if strings.HasPrefix(a, "http.sslverify=") && falsy(strings.TrimPrefix(a, "http.sslverify=")) ||
		strings.HasSuffix(a, "sslverify") && falsy(next) {
		return "http.sslVerify=false"
	}
	return ""
}

// npmInsecure finds strict-ssl turned off.
func npmInsecure(a, next, _ string) string {
	if a == "--strict-ssl=false" || a == "strict-ssl" && falsy(next) {
		return "strict-ssl false"
	}
	return ""
}

// aptInsecure finds unauthenticated packages or repositories allowed.
func aptInsecure(a, _, _ string) string {
	if a == "--allow-unauthenticated" || a == "--allow-insecure-repositories" ||
		strings.Contains(a, "allowinsecurerepositories=true") || strings.Contains(a, "allowunauthenticated=true") {
		return a
	}
	return ""
}

// rpmInsecure finds signature or TLS checks turned off.
func rpmInsecure(a, _, _ string) string {
	if a == "--nogpgcheck" || a == "--nosignature" || strings.HasPrefix(a, "--setopt=sslverify=") && falsy(strings.TrimPrefix(a, "--setopt=sslverify=")) {
		return a
	}
	return ""
}

func checkTLSDisabled() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-026",
			"TLS or signature verification disabled",
			finding.SeverityHigh,
			finding.LayerContainer,
			"Turning off certificate or package signature checks lets anyone on the network path, or a "+
				"compromised mirror, substitute what the build downloads and installs.",
			"Keep verification on: install the CA certificate the build needs (COPY it and run update-ca-certificates) instead of disabling checks, and import repository signing keys.",
			cis("4.11"),
			cis("4.12"),
			cwe(295),
			cwe(494),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for _, v := range f.Args {
				if insecureVar(v.Name, v.Value) {
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("global ARG sets %s=%s", v.Name, v.Value),
						Line:          v.Line,
						Discriminator: "global\x00" + v.Name,
					})
				}
			}
			for s, in := range f.Instructions() {
				for _, v := range in.Vars {
					if insecureVar(v.Name, v.Value) {
						out = append(out, check.Violation{
							Message:       fmt.Sprintf("%s in %s sets %s=%s", in.Keyword, stageRef(s), v.Name, v.Value),
							Line:          in.StartLine,
							Discriminator: s.Label() + "\x00" + v.Name,
						})
					}
				}
				for _, c := range runShellCommands(in) {
					msg := ""
					for _, kv := range append(append([]string{}, c.Assigns...), c.Args...) {
						if name, value, ok := strings.Cut(kv, "="); ok && insecureVar(name, value) {
							msg = "sets " + name + "=" + value
							break
						}
					}
					args := unwrap(c.Args)
					if len(args) >= 3 && pythonName.MatchString(path.Base(args[0])) && args[1] == "-m" {
						args = args[2:]
					}
					if opt := insecureOption(args); msg == "" && opt != "" {
						msg = "runs " + path.Base(args[0]) + " with " + opt
					}
					if msg == "" {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("RUN in %s %s", stageRef(s), msg),
						Line:          c.Line,
						Discriminator: s.Label() + "\x00" + msg + "\x00" + cmdText(c),
					})
				}
			}
			return out
		},
	}
}
