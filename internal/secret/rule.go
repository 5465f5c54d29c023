package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/source"
)

// Rule is one kind of secret. Each rule is a check with its own ID: a
// finding from it carries the rule's metadata.
type Rule struct {
	check.Meta
	// Name is a short, stable slug ("aws-access-key-id"); for rules loaded
	// from a Gitleaks config it is the Gitleaks rule id.
	Name string
	// Label names what was found in messages, e.g. "AWS access key ID".
	Label string
	// Keywords are literals (matched ignoring case) of which one must occur
	// near a secret; the regular expression only runs around their hits. A
	// rule without keywords runs its expression over all the data.
	Keywords []string
	// Pattern is the regular expression (RE2 syntax) that finds the secret.
	// The secret is the first participating group named "secret"; without
	// such a group it is group SecretGroup, or when that is zero the first
	// participating group, or else the whole match.
	Pattern     string
	SecretGroup int
	// Entropy is the minimum Shannon entropy, in bits per byte, of the
	// secret; zero means no floor.
	Entropy float64
	// Requires lists literals (matched ignoring case) of which one must
	// occur somewhere in the scanned data, e.g. "service_account" for a
	// Google service account key file.
	Requires []string
	// Multiline lets the pattern span lines: it sees up to Span bytes after
	// the keyword hit instead of the rest of the hit's line.
	Multiline bool
	// Anchored makes the pattern match only where the word holding the
	// keyword hit starts (a word being a run of [A-Za-z0-9_.-]), e.g. the
	// start of "DB_PASSWORD" for the keyword "password". An anchored run
	// stops as soon as the text cannot match, which is far cheaper than a
	// search over the line for keywords that are common in code.
	Anchored bool
	// Accept, when set, is a cheap test of a keyword hit (data[start:end])
	// in its context; a hit it refuses never runs the pattern.
	Accept func(data []byte, start, end int) bool
	// Span bounds how far after a keyword hit the pattern looks (bytes);
	// zero means 1 KiB.
	Span int
	// Path, when set, is a regular expression the file's path must match
	// for the rule to apply. A rule with a path and no pattern reports the
	// file itself.
	Path string
	// Allowlists drop matches that look like placeholders or test values.
	Allowlists []Allowlist
	// Verify is an optional extra test on the secret and the whole match. It
	// returns the label to report (empty keeps Label) and whether the match
	// is a secret.
	Verify func(secret, match []byte) (label string, ok bool)
}

// Allowlist drops matches of a rule. With And unset, any one criterion that
// matches drops the match; with And set, every criterion given must match.
type Allowlist struct {
	// Stopwords are substrings that, found in the secret ignoring case,
	// mark it as a placeholder ("example", "changeme").
	Stopwords []string
	// Regexes are matched against the secret, or against the whole match or
	// the whole line when Target is "match" or "line".
	Regexes []string
	Target  string
	// Paths are regular expressions matched against the file's path.
	Paths []string
	And   bool
}

// Allowlist targets.
const (
	targetSecret = "secret"
	targetMatch  = "match"
	targetLine   = "line"
)

// defaultSpan is how far after a keyword a single-line pattern looks, and
// how far before it the line start is searched.
const defaultSpan = 1 << 10

type compiledAllowlist struct {
	stopwords [][]byte // lower-cased
	regexes   []*regexp.Regexp
	target    string
	paths     []*regexp.Regexp
	and       bool
}

func compileAllowlist(a Allowlist) (compiledAllowlist, error) {
	c := compiledAllowlist{target: a.Target, and: a.And}
	switch c.target {
	case "":
		c.target = targetSecret
	case targetSecret, targetMatch, targetLine:
	default:
		return c, fmt.Errorf("allowlist target %q: want secret, match or line", a.Target)
	}
	for _, w := range a.Stopwords {
		if w != "" {
			c.stopwords = append(c.stopwords, []byte(strings.ToLower(w)))
		}
	}
	for _, r := range a.Regexes {
		re, err := compileRE(r)
		if err != nil {
			return c, fmt.Errorf("allowlist regex: %w", err)
		}
		c.regexes = append(c.regexes, re)
	}
	for _, r := range a.Paths {
		re, err := compileRE(r)
		if err != nil {
			return c, fmt.Errorf("allowlist path: %w", err)
		}
		c.paths = append(c.paths, re)
	}
	return c, nil
}

// empty reports whether the allowlist has no content criterion (stopwords
// or regexes); such an allowlist only ever acts on paths.
func (a *compiledAllowlist) empty() bool { return len(a.stopwords) == 0 && len(a.regexes) == 0 }

// allowsPath reports whether the path alone drops every match: a path
// criterion matches and, under AND, there is no other criterion.
func (a *compiledAllowlist) allowsPath(path string) bool {
	if path == "" || len(a.paths) == 0 {
		return false
	}
	if a.and && !a.empty() {
		return false
	}
	return anyMatchString(a.paths, path)
}

// allows reports whether a match is dropped.
func (a *compiledAllowlist) allows(secret, match, line []byte, path string) bool {
	type crit struct{ set, hit bool }
	var lower []byte
	sw := crit{set: len(a.stopwords) > 0}
	if sw.set {
		lower = bytes.ToLower(secret)
		for _, w := range a.stopwords {
			if bytes.Contains(lower, w) {
				sw.hit = true
				break
			}
		}
	}
	rx := crit{set: len(a.regexes) > 0}
	if rx.set {
		target := secret
		switch a.target {
		case targetMatch:
			target = match
		case targetLine:
			target = line
		}
		for _, re := range a.regexes {
			if re.Match(target) {
				rx.hit = true
				break
			}
		}
	}
	pa := crit{set: len(a.paths) > 0}
	if pa.set {
		pa.hit = path != "" && anyMatchString(a.paths, path)
	}
	crits := []crit{sw, rx, pa}
	if a.and {
		seen := false
		for _, c := range crits {
			if c.set {
				seen = true
				if !c.hit {
					return false
				}
			}
		}
		return seen
	}
	for _, c := range crits {
		if c.hit {
			return true
		}
	}
	return false
}

func anyMatchString(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// compileRE compiles a pattern, explaining the RE2 features it lacks.
func compileRE(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err == nil {
		return re, nil
	}
	for _, f := range []struct{ token, name string }{
		{"(?=", "lookahead"}, {"(?!", "negative lookahead"},
		{"(?<=", "lookbehind"}, {"(?<!", "negative lookbehind"},
		{"(?>", "atomic group"},
	} {
		if strings.Contains(pattern, f.token) {
			return nil, fmt.Errorf("regexp uses a %s %q, which Go's RE2 engine does not support: %w", f.name, f.token, err)
		}
	}
	return nil, fmt.Errorf("compiling regexp: %w", err)
}

// entropy returns the Shannon entropy of b in bits per byte.
func entropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var counts [256]int
	for _, c := range b {
		counts[c]++
	}
	n := float64(len(b))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// Redact returns the printable form of a secret: at most its first four
// characters (fewer for short values, so that at most a quarter of the value
// shows), an ellipsis, and "sha256:" with the first 8 hex digits of its
// SHA-256. The whole value is never kept.
func Redact(secret []byte) string {
	sum := sha256.Sum256(secret)
	keep := min(4, len(secret)/4)
	prefix := bytes.TrimLeft(secret, " \t\r\n") // a PEM body starts on a new line
	prefix = prefix[:min(keep, len(prefix))]
	for !utf8.Valid(prefix) && len(prefix) > 0 {
		prefix = prefix[:len(prefix)-1]
	}
	var b strings.Builder
	for _, r := range string(prefix) {
		if source.UnsafeRune(r) {
			break
		}
		b.WriteRune(r)
	}
	b.WriteString("…sha256:")
	b.WriteString(hex.EncodeToString(sum[:4]))
	return b.String()
}

// discriminator is the full hex SHA-256 of a secret; it tells findings apart
// and feeds their fingerprint.
func discriminator(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}
