package kube

// FC-K8S-008 inspects env[*].name and env[*].value of every container
// (init, regular, ephemeral). It fails when a variable whose name holds a
// credential word (PASSWORD, PASSWD, PASS, PWD, SECRET, TOKEN, KEY, APIKEY,
// CREDENTIAL(S), …; words split at separators and camelCase) gets a
// literal value. Names that describe a credential rather than hold one
// (…_FILE, …_PATH, …_NAME, …_ID, …_HEADER, …_ENABLED, …) and values that
// cannot be credentials (shorter than 4 characters, true/false, numbers,
// paths, $(VAR) references) pass. Values are never reported.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// credentialName reports whether an environment variable name says it holds
// a credential.
func credentialName(name string) bool {
	parts := nameWords(name)
	if len(parts) == 0 {
		return false
	}
	switch parts[len(parts)-1] {
	case "FILE", "PATH", "DIR", "NAME", "ID", "HEADER", "TYPE", "ENABLED", "ENABLE", "DISABLED",
		"TTL", "LENGTH", "SIZE", "TIMEOUT", "EXPIRY", "EXPIRATION", "LIFETIME", "ISSUER", "AUDIENCE",
		"ALGORITHM", "ALG", "PREFIX", "SUFFIX", "FIELD", "REF", "KIND", "URL", "URI", "ENDPOINT", "MODE", "POLICY":
		return false
	}
	for _, p := range parts {
		switch p {
		case "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY":
			return true
		}
	}
	return false
}

// nameWords splits a variable name into upper-case words at separators
// and lower-to-upper case changes: "dbPassword_file" → DB, PASSWORD, FILE.
func nameWords(name string) []string {
	var (
		words []string
		cur   []rune
		prev  rune
	)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

// credentialValue reports whether a literal value could be a credential.
func credentialValue(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "${") {
		return false
	}
	if _, err := strconv.ParseBool(v); err == nil {
		return false
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return false
	}
	return true
}

func checkCredentialEnv() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-008", "Credential hard-coded in environment variable", finding.SeverityHigh,
			"A password, token or key written into the manifest is readable by everyone with access to the repository or to the object in the cluster.",
			"Move the value into a Secret (or an external secret store), rotate it, and mount it as a file.",
			ref("CWE-798"), refNSA()),
		Eval: func(w *Workload) []check.Violation {
			var out []check.Violation
			for c := range w.Containers() {
				for j, e := range c.Env {
					if e.ValueFrom != nil || !credentialName(e.Name) || !credentialValue(e.Value) {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s sets environment variable %s to a literal value (redacted, %d characters)", c, e.Name, len(e.Value)),
						Field:         c.Path(fieldIndex("env", j) + ".value"),
						Discriminator: c.Name + "/" + e.Name,
					})
				}
			}
			return out
		},
	}
}
