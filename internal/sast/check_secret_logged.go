package sast

// FC-SAST-014 inspects the values a logging call writes (log, log/slog,
// fmt.Print*, zap, logrus, zerolog, klog, glog, hclog, and methods called on
// a variable named like a logger) and the name each value goes by: its
// variable or field name, the key of its key/value pair or map entry, or
// the word before its verb in the format string. It fires when that name
// says secret: password, passwd, passphrase, secret, token,
// credential(s), creds, bearer, api key, private key, secret key, signing
// key, session key, encryption key, master key, access key. Allowed: names that only
// describe a secret (passwordFile, tokenURL, secretName, apiKeyID,
// hasToken, tokenTTL, nextPageToken), values passed through a function
// (len(token), redact(token)) and slices of a value (token[:4]).

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// secretWords are single words that name a secret.
var secretWords = set("password", "passwords", "passwd", "passphrase", "secret", "secrets",
	"token", "tokens", "credential", "credentials", "creds", "bearer", "apikey", "privkey", "privatekey")

// secretPairs are two-word names of a secret ("api key", "private key").
var secretPairs = set("api key", "private key", "secret key", "signing key", "session key",
	"encryption key", "master key", "access key", "client secret", "access token", "refresh token")

// describingWords, as the last word of a name, say that the value is about
// a secret rather than the secret itself.
var describingWords = set("id", "ids", "name", "names", "file", "filename", "path", "dir", "url", "uri",
	"endpoint", "type", "kind", "len", "length", "size", "count", "ttl", "expiry", "expires", "expiration",
	"expired", "duration", "timeout", "field", "env", "var", "hash", "hashed", "regex", "pattern", "required",
	"set", "ok", "valid", "invalid", "policy", "prompt", "label", "format", "ref", "source", "provider",
	"store", "manager", "version", "header", "mount", "volume", "key", "keys", "length", "present", "error", "err")

// describingFirstWords, as the first word of a name, make it a flag or a
// count about secrets.
var describingFirstWords = set("has", "is", "no", "num", "max", "min", "use", "with", "without", "need", "needs")

// benignTokenWords, before "token", name tokens that are not credentials.
var benignTokenWords = set("page", "next", "continue", "continuation", "cancel", "cancellation", "sync",
	"resume", "lexer", "parser", "eof", "csrf", "xsrf", "sort")

// nameWords splits an identifier or key into lower-case words:
// "dbPassword" → db, password; "API_KEY" → api, key; "x-auth-token" → x, auth, token.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower && unicode.IsUpper(rs[i-1]) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// sensitiveName reports whether a name denotes a secret value, and the
// words that say so.
func sensitiveName(name string) (string, bool) {
	w := nameWords(name)
	if len(w) == 0 || len(w) > 8 {
		return "", false
	}
	last := w[len(w)-1]
	if describingFirstWords[w[0]] && len(w) > 1 {
		return "", false
	}
	for i := 0; i+1 < len(w); i++ {
		pair := w[i] + " " + w[i+1]
		if secretPairs[pair] && (i+2 == len(w) || !describingWords[last]) {
			return pair, true
		}
	}
	for i := range w {
		if !secretWords[w[i]] {
			continue
		}
		if i+1 < len(w) && describingWords[last] {
			return "", false
		}
		if strings.HasPrefix(w[i], "token") && i > 0 && benignTokenWords[w[i-1]] {
			return "", false
		}
		return w[i], true
	}
	return "", false
}

func checkSecretLogged() logCheck {
	return logCheck{
		Meta: check.New(
			"FC-SAST-014",
			"Secret written to logs",
			finding.SeverityMedium,
			finding.LayerCode,
			"Logs are shipped, indexed and kept far longer, and read by far more people, than the "+
				"secrets in them should be; a credential written to a log is a leaked credential.",
			"Do not log the value: log that it is set, its length or a short hash, or redact it before logging.",
			cwe(532),
			finding.Reference{Source: "OWASP Logging Cheat Sheet", URL: "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html"},
		),
		Eval: func(c logCall) []check.Violation {
			var out []check.Violation
			var names []string
			for _, v := range c.Values {
				word, ok := sensitiveName(v.Name)
				if !ok || slices.Contains(names, v.Name) {
					continue
				}
				names = append(names, v.Name)
				what := v.Expr
				if v.Expr != v.Name && !strings.HasSuffix(v.Expr, "."+v.Name) {
					what = fmt.Sprintf("%s (as %q)", v.Expr, v.Name)
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s writes %s to the log; its name (%s) marks it as a secret", c.Func, what, word),
					Line:          c.Line,
					Discriminator: c.Func + "\x00" + v.Name + "\x00" + v.Expr,
				})
			}
			return out
		},
	}
}
