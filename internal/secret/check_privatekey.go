package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// The three private key rules share one pattern: a PEM block
// "-----BEGIN <kind>PRIVATE KEY-----" … "-----END <kind>PRIVATE KEY-----"
// whose body is base64 (lines may be indented, or joined by escaped \n as
// in JSON and string literals). Each rule keeps the kinds it owns, so a key
// is reported by exactly one of them.
const privateKeyPattern = `-----BEGIN [A-Z0-9 ]{0,20}?PRIVATE KEY-----` +
	`(?P<secret>(?:\\[rn]|[\r\n]|[A-Za-z0-9+/=:, \t-]){64,}?)` +
	`-----END [A-Z0-9 ]{0,20}?PRIVATE KEY-----`

func privateKeyKeywords() []string { return []string{"private key-----"} }

// keyInfo describes a PEM private key block: its kind ("RSA ", "EC ", "",
// "ENCRYPTED ", "OPENSSH ", …) and whether it is protected by a passphrase.
type keyInfo struct {
	kind      string
	encrypted bool
	label     string
}

func inspectKey(body, match []byte) (keyInfo, bool) {
	const begin = "-----BEGIN "
	i := bytes.Index(match, []byte("PRIVATE KEY-----"))
	if !bytes.HasPrefix(match, []byte(begin)) || i < len(begin) {
		return keyInfo{}, false
	}
	info := keyInfo{kind: string(match[len(begin):i])}
	if b64 := keyBase64(body); len(b64) < 64 {
		return keyInfo{}, false // a stub such as "MIIE...": not a key
	}
	switch info.kind {
	case "":
		info.label = "PKCS#8 private key"
	case "RSA ", "EC ", "DSA ":
		info.label = info.kind + "private key"
		info.encrypted = bytes.Contains(body, []byte("ENCRYPTED"))
	case "ENCRYPTED ":
		info.label, info.encrypted = "PKCS#8 private key", true
	case "OPENSSH ":
		info.label = "OpenSSH private key"
		info.encrypted = opensshEncrypted(keyBase64(body))
	default:
		info.label = info.kind + "private key"
	}
	if info.encrypted {
		info.label = "encrypted " + info.label
	}
	return info, true
}

// keyBase64 returns the base64 characters of a PEM body, dropping
// whitespace, escaped newlines and RFC 1421 headers (Proc-Type, DEK-Info).
func keyBase64(body []byte) []byte {
	body = bytes.ReplaceAll(body, []byte(`\n`), []byte("\n"))
	body = bytes.ReplaceAll(body, []byte(`\r`), []byte("\n"))
	var out []byte
	for line := range bytes.Lines(body) {
		line = bytes.TrimSpace(line)
		if bytes.IndexByte(line, ':') >= 0 {
			continue
		}
		out = append(out, line...)
	}
	return out
}

// opensshEncrypted reads the cipher name from an openssh-key-v1 blob; a key
// whose cipher is not "none" is protected by a passphrase.
func opensshEncrypted(b64 []byte) bool {
	const magic = "openssh-key-v1\x00"
	n := min(len(b64), 64) / 4 * 4
	raw := make([]byte, base64.StdEncoding.DecodedLen(n))
	m, err := base64.StdEncoding.Decode(raw, b64[:n])
	raw = raw[:m]
	if err != nil || !bytes.HasPrefix(raw, []byte(magic)) || len(raw) < len(magic)+4 {
		return false
	}
	l := int(binary.BigEndian.Uint32(raw[len(magic):]))
	name := raw[len(magic)+4:]
	if l > len(name) {
		return true // a long cipher name: certainly not "none"
	}
	return string(name[:l]) != "none"
}

func privateKeyMeta(id, title string, sev finding.Severity, desc string) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCode,
		desc,
		"Treat the key as compromised: revoke or replace it (and any certificate issued for it), remove it from the file and its history, and mount keys from a secret store at run time.",
		cwe321(),
		cwe798(),
	)
}

// FC-SEC-011 reports unencrypted PEM private keys: PKCS#1 RSA, SEC 1 EC, DSA
// and PKCS#8 ("BEGIN PRIVATE KEY"). Legacy PEM encryption (Proc-Type:
// 4,ENCRYPTED) and PKCS#8 "ENCRYPTED PRIVATE KEY" go to FC-SEC-012, OpenSSH
// keys to FC-SEC-013.
func rulePrivateKey() Rule {
	return Rule{
		Meta: privateKeyMeta("FC-SEC-011", "Private key", finding.SeverityCritical,
			"An unencrypted private key is committed to a file. Whoever reads it can impersonate the server, client or signer the key belongs to and decrypt what was encrypted to it."),
		Name:       "private-key",
		Label:      "private key",
		Keywords:   privateKeyKeywords(),
		Pattern:    privateKeyPattern,
		Multiline:  true,
		Span:       8 << 10,
		Entropy:    4.0,
		Allowlists: placeholders(),
		Verify: func(secret, match []byte) (string, bool) {
			info, ok := inspectKey(secret, match)
			return info.label, ok && !info.encrypted && info.kind != "OPENSSH "
		},
	}
}

// FC-SEC-012 reports passphrase-protected private keys: PKCS#8 "ENCRYPTED
// PRIVATE KEY", legacy PEM keys with Proc-Type: 4,ENCRYPTED, and OpenSSH keys
// whose cipher is not "none". They are less urgent than clear keys (HIGH, not
// CRITICAL) but still open to offline passphrase guessing.
func ruleEncryptedPrivateKey() Rule {
	return Rule{
		Meta: privateKeyMeta("FC-SEC-012", "Encrypted private key", finding.SeverityHigh,
			"A passphrase-protected private key is committed to a file. Anyone who copies it can guess the passphrase offline, and the passphrase is often stored nearby."),
		Name:       "encrypted-private-key",
		Label:      "encrypted private key",
		Keywords:   privateKeyKeywords(),
		Pattern:    privateKeyPattern,
		Multiline:  true,
		Span:       8 << 10,
		Entropy:    4.0,
		Allowlists: placeholders(),
		Verify: func(secret, match []byte) (string, bool) {
			info, ok := inspectKey(secret, match)
			return info.label, ok && info.encrypted
		},
	}
}

// FC-SEC-013 reports unencrypted OpenSSH private keys ("BEGIN OPENSSH
// PRIVATE KEY" whose openssh-key-v1 header names the cipher "none").
func ruleOpenSSHPrivateKey() Rule {
	return Rule{
		Meta: privateKeyMeta("FC-SEC-013", "OpenSSH private key", finding.SeverityCritical,
			"An unencrypted OpenSSH private key is committed to a file. Whoever reads it can log in wherever the matching public key is authorized."),
		Name:       "openssh-private-key",
		Label:      "OpenSSH private key",
		Keywords:   privateKeyKeywords(),
		Pattern:    privateKeyPattern,
		Multiline:  true,
		Span:       8 << 10,
		Entropy:    4.0,
		Allowlists: placeholders(),
		Verify: func(secret, match []byte) (string, bool) {
			info, ok := inspectKey(secret, match)
			return info.label, ok && !info.encrypted && info.kind == "OPENSSH "
		},
	}
}
