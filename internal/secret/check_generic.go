package secret

import (
	"bytes"

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
// characters on, unless hexadecimal). Names that describe rather than hold a secret (…_name,
// …_file, …_url, …_id, …Ref, token_type, public keys) and values that look
// like identifiers, paths, URLs, placeholders or keyboard patterns are
// allowed.
func ruleGenericSecret() Rule {
	return Rule{
		Meta: check.Meta{
			ID:          "FC-SEC-020",
			Title:       "Hard-coded secret",
			Severity:    finding.SeverityMedium,
			Layer:       finding.LayerCode,
			Description: "A high-entropy value is assigned to a password, secret, token or API key setting in a file. Whoever reads the file can use it.",
			Remediation: "Rotate the value, remove it from the file and its history, and read it at run time from the environment or a secret store.",
			References:  []finding.Reference{cwe798(), cwe259()},
		},
		Name:  "generic-secret",
		Label: "secret",
		Keywords: []string{"password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "api.key",
			"access_key", "accesskey", "access-key", "auth_key", "authkey", "auth-key", "credential"},
		Pattern: `(?i)[a-z0-9_.-]*?` + genericNames + `[a-z0-9_.-]*["']?[ \t]*(?:=|:=|:|=>)[ \t]*` +
			`(?:"(?P<secret>[^"\s\\]{8,256})"|'(?P<secret>[^'\s\\]{8,256})'|` +
			"`(?P<secret>[^`\\s]{8,256})`|" +
			`(?P<secret>[^\s"'` + "`" + `,;(){}\[\]<>]{8,256})[ \t]*(?:#.*)?$)`,
		Anchored: true,
		Accept:   secretAssignment,
		Entropy:  3.0,
		Allowlists: []Allowlist{placeholders(), {Stopwords: []string{
			"password", "passw0rd", "secret", "token", "apikey", "api_key", "12345", "abcdef", "qwerty",
			"letmein", "hunter2", "foobar", "lorem", "default", "insecure", "localhost",
		}}},
		Verify: func(secret, match []byte) (string, bool) {
			if describesSecret(match) || looksLikeIdentifier(secret) || isNumber(secret) || lowVariety(secret) {
				return "", false
			}
			// Long values must be denser, except hex, whose alphabet caps
			// entropy at 4 bits.
			if len(secret) >= 20 && !isHex(secret) && entropy(secret) < 3.5 {
				return "", false
			}
			return "", true
		},
	}
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
// than a generated secret: letters and _ . - : only, or a path or URL.
func looksLikeIdentifier(v []byte) bool {
	if bytes.Contains(v, []byte("://")) || bytes.HasPrefix(v, []byte("/")) ||
		bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("~/")) {
		return true
	}
	for _, c := range v {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == '.', c == '-', c == ':':
		default:
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
