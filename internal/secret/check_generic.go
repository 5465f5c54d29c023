package secret

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// genericNames are the words that make an assigned name secret-looking.
const genericNames = `(?:password|passwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|credential)`

// FC-SEC-020 inspects assignments in code, YAML, JSON, HCL, .env and
// properties files whose name contains password, passwd, secret, token,
// api_key/apikey, access_key, auth_key or credential:
//
//	password = "…"   apiKey := "…"   "token": "…"   API_KEY=…   secret: …
//
// The value must be a quoted string or an unquoted value ending the line,
// 8 to 256 characters without spaces, of entropy ≥ 3.0 (≥ 3.5 from 20
// characters on, unless hexadecimal). Allowed: names that describe rather
// than hold a secret (…_name, …_file, …_url, …_id, …Ref, token_type, public
// keys); values that read as code or words (identifiers, &pointers,
// "serviceaccount1"), paths, URLs, numbers, placeholders, keyboard patterns,
// and base64 whose decoded text is itself such a value ("c2VjcmV0" is
// "secret").
func ruleGenericSecret() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-020",
			"Hard-coded secret",
			finding.SeverityMedium,
			finding.LayerCode,
			"A high-entropy value is assigned to a password, secret, token or API key setting in a file. Whoever reads the file can use it.",
			"Rotate the value, remove it from the file and its history, and read it at run time from the environment or a secret store.",
			cwe798(),
			cwe259(),
		),
		Name:  "generic-secret",
		Label: "secret",
		Keywords: []string{"password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "api.key",
			"access_key", "accesskey", "access-key", "auth_key", "authkey", "auth-key", "credential"},
		Pattern: `(?i)[a-z0-9_.-]*?` + genericNames + `[a-z0-9_.-]*["']?[ \t]*(?:=|:=|:|=>)[ \t]*` +
			`(?:"(?P<secret>[^"\s\\]{8,256})"|'(?P<secret>[^'\s\\]{8,256})'|` +
			"`(?P<secret>[^`\\s]{8,256})`|" +
			`(?P<secret>[^\s"'` + "`" + `,;(){}\[\]<>]{8,256})[ \t]*(?:#.*)?$)`,
		Anchored:   true,
		Accept:     secretAssignment,
		Entropy:    3.0,
		Allowlists: append(placeholders(), Allowlist{Stopwords: genericStopwords()}),
		Verify: func(secret, match []byte) (string, bool) {
			if describesSecret(match) || !plausibleSecret(secret) {
				return "", false
			}
			if !quoted(secret, match) && codeReference(secret) {
				return "", false
			}
			// Long values must be denser, except hex, whose alphabet caps
			// entropy at 4 bits.
			if len(secret) >= 20 && !isHex(secret) && entropy(secret) < 3.5 {
				return "", false
			}
			if text, ok := base64Text(secret); ok && !plausibleSecret(text) {
				return "", false
			}
			return "", true
		},
	}
}

// genericStopwords mark a value assigned to a secret-looking name as a
// stand-in or a well-known weak example.
func genericStopwords() []string {
	return []string{
		"password", "passw0rd", "p4ssw0rd", "pa55w0rd", "secret", "s3cr3t", "token", "t0k3n",
		"apikey", "api_key", "12345", "abcdef", "qwerty", "letmein", "hunter2", "foobar", "lorem",
		"default", "insecure", "localhost",
	}
}

// plausibleSecret reports whether a value could be a generated or chosen
// secret rather than code, words, a path, a number, a template ({…}), a
// placeholder or a keyboard pattern.
func plausibleSecret(v []byte) bool {
	if looksLikeIdentifier(v) || isNumber(v) || lowVariety(v) || bytes.ContainsAny(v, " {}") {
		return false
	}
	lower := bytes.ToLower(v)
	for _, words := range [][]string{placeholderWords(), genericStopwords()} {
		for _, w := range words {
			if bytes.Contains(lower, []byte(w)) {
				return false
			}
		}
	}
	return true
}

// base64Text decodes a base64 value whose content is printable text, such
// as the data of a Kubernetes Secret; random bytes are not text.
func base64Text(v []byte) ([]byte, bool) {
	if len(v)%4 != 0 {
		return nil, false
	}
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(v)))
	n, err := base64.StdEncoding.Decode(raw, v)
	if err != nil || n == 0 {
		return nil, false
	}
	raw = bytes.TrimSpace(raw[:n])
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return nil, false
		}
	}
	return raw, true
}

// secretAssignment reports whether the word holding a keyword hit is a name
// that may hold a secret and is followed, after an optional closing quote
// and blanks, by an assignment operator (=, :=, :, =>) rather than a
// comparison (==, !=) or anything else. It runs on every keyword hit, before
// the pattern, so it must stay cheap.
func secretAssignment(data []byte, start, end int) bool {
	i := end
	for i < len(data) && i-end < 256 && isWordByte(data[i]) {
		i++
	}
	if describesSecret(data[wordStart(data, start, 256):i]) {
		return false
	}
	if i < len(data) && (data[i] == '"' || data[i] == '\'') {
		i++
	}
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i >= len(data) {
		return false
	}
	switch data[i] {
	case ':':
		return true
	case '=':
		return i+1 >= len(data) || data[i+1] != '='
	}
	return false
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// describesSecret reports whether the assigned name describes a secret
// rather than holding one: its name, file, URL, ID, type, a reference to it,
// or a public key.
func describesSecret(match []byte) bool {
	end := bytes.IndexAny(match, "\"':= \t")
	if end < 0 {
		end = len(match)
	}
	var buf [128]byte
	name := lowerASCII(buf[:0], match[:min(end, len(buf))])
	name = bytes.TrimRight(name, "_.-")
	for _, w := range []string{"public", "publishable", "tokeniz", "placeholder"} {
		if bytes.Contains(name, []byte(w)) {
			return true
		}
	}
	for _, suffix := range []string{
		"name", "names", "ref", "file", "path", "dir", "url", "uri", "endpoint", "type", "id", "ids",
		"prefix", "suffix", "len", "length", "field", "header", "env", "var", "mode", "format", "count",
		"policy", "timeout", "ttl", "expiry", "expires", "expiration", "size", "label", "provider",
		"source", "version", "arn", "template", "kind", "regex", "pattern", "class", "method", "scope",
		"scopes", "audience", "issuer", "hash", "digest", "location", "store", "manager", "service",
		"hint", "prompt", "message", "msg", "error", "rotation", "enabled", "required", "min", "max",
		"generator", "backend", "mount", "selector", "key_id", "keyid", "param", "parameter",
	} {
		if bytes.HasSuffix(name, []byte(suffix)) {
			return true
		}
	}
	return false
}

// looksLikeIdentifier reports whether a value reads as code or words rather
// than a generated secret: a path or URL; or, after a leading & or * (an
// address or a dereference), words separated by _ . - : or /, each made of
// letters in one case or in camelCase (random letters switch case all the
// time) and at most four trailing digits: "&tc.optional",
// "serviceaccount1", "node1-node2-only", "example.io/credential-id".
func looksLikeIdentifier(v []byte) bool {
	if bytes.Contains(v, []byte("://")) || bytes.HasPrefix(v, []byte("/")) ||
		bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("~/")) {
		return true
	}
	v = bytes.TrimLeft(v, "&*")
	words := 0
	for w := range bytes.FieldsFuncSeq(v, func(r rune) bool { return strings.ContainsRune("_.-:/", r) }) {
		if !isWord(w) {
			return false
		}
		words++
	}
	return words > 0
}

// quoted reports whether the secret stands in quotes in the match (the
// pattern takes it from the end of the match).
func quoted(secret, match []byte) bool {
	i := bytes.LastIndex(match, secret)
	return i > 0 && bytes.IndexByte([]byte("\"'`"), match[i-1]) >= 0
}

// codeReference reports whether an unquoted value is an expression in code:
// identifiers joined by dots, two or more of them words in camelCase,
// PascalCase or one case ("clientCfg.TLSClientConfig.KeyFile").
func codeReference(v []byte) bool {
	words := 0
	for seg := range bytes.SplitSeq(v, []byte(".")) {
		if !isIdentifier(seg) {
			return false
		}
		if isCamelWord(seg) {
			words++
		}
	}
	return words >= 2
}

func isIdentifier(s []byte) bool {
	if len(s) == 0 || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isCamelWord reports whether s is letters (and up to four trailing
// digits) where a new capitalised word starts at most every third letter.
func isCamelWord(s []byte) bool {
	body := bytes.TrimRight(s, "0123456789")
	if len(s)-len(body) > 4 || len(body) == 0 {
		return false
	}
	starts := 0
	for i, c := range body {
		upper := 'A' <= c && c <= 'Z'
		if !upper && !('a' <= c && c <= 'z') {
			return false
		}
		if upper && i > 0 && 'a' <= body[i-1] && body[i-1] <= 'z' {
			starts++
		}
	}
	return starts*3 <= len(body)
}

// isWord reports whether w is letters in one case or camelCase followed by
// at most four digits.
func isWord(w []byte) bool {
	body := bytes.TrimRight(w, "0123456789")
	if len(w)-len(body) > 4 || len(body) == 0 {
		return false
	}
	switches := 0
	for i, c := range body {
		upper := 'A' <= c && c <= 'Z'
		if !upper && !('a' <= c && c <= 'z') {
			return false
		}
		if i > 0 && upper != ('A' <= body[i-1] && body[i-1] <= 'Z') {
			switches++
		}
	}
	return switches*3 <= len(body)
}

// isNumber reports whether a value is a numeric literal that fits a machine
// word: a decimal number or a 0x constant of at most 16 hex digits.
func isNumber(v []byte) bool {
	v = bytes.TrimLeft(v, "+-")
	if h, ok := bytes.CutPrefix(bytes.ToLower(v), []byte("0x")); ok {
		return len(h) > 0 && len(h) <= 16 && isHex(h)
	}
	for _, c := range v {
		if !('0' <= c && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func isHex(v []byte) bool {
	for _, c := range v {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
