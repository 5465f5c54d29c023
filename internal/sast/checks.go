package sast

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// goCheck is a check over gosec issues: it maps one or more gosec rules
// onto one fourc check.
type goCheck struct {
	check.Check[gosecIssue]
	// Rules are the gosec rule IDs the check maps, e.g. "G402".
	Rules []string
}

type (
	logCheck = check.Check[logCall]
	urlCheck = check.Check[urlRef]
)

// gosecChecks returns the checks that map gosec rules, in ID order.
func gosecChecks() []goCheck {
	return []goCheck{
		checkTLSVerify(),
		checkTLSVersion(),
		checkTLSCipher(),
		checkWeakHash(),
		checkWeakCipher(),
		checkHardcodedCredential(),
		checkSQLConcat(),
		checkFilePerms(),
		checkHTTPTimeouts(),
		checkSSHHostKey(),
		checkPprof(),
		checkRSAKeySize(),
		checkZipSlip(),
	}
}

// logChecks returns the checks over logging calls.
func logChecks() []logCheck { return []logCheck{checkSecretLogged()} }

// urlChecks returns the checks over URLs found in code and configuration.
func urlChecks() []urlCheck { return []urlCheck{checkPlainHTTP()} }

// Checks returns the catalogue of the SAST checks, in ID order.
func Checks() []check.Meta {
	var out []check.Meta
	for _, c := range gosecChecks() {
		out = append(out, c.Meta)
	}
	out = append(out, check.Metas(logChecks())...)
	out = append(out, check.Metas(urlChecks())...)
	slices.SortFunc(out, func(a, b check.Meta) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// mapRule is the Eval of a check that maps gosec rules: it fires on an
// issue of one of rules whose description passes match (nil matches all).
func mapRule(rules []string, match func(what string) bool, message func(is gosecIssue) string) func(gosecIssue) []check.Violation {
	return func(is gosecIssue) []check.Violation {
		if !slices.Contains(rules, is.Rule) || match != nil && !match(is.What) {
			return nil
		}
		return []check.Violation{{
			Message:       message(is),
			Line:          is.Line,
			Discriminator: is.Rule + "\x00" + is.What + "\x00" + is.Code,
		}}
	}
}

// References used by several checks.

func cwe(n int) finding.Reference {
	return finding.Reference{
		Source: "CWE-" + strconv.Itoa(n),
		URL:    "https://cwe.mitre.org/data/definitions/" + strconv.Itoa(n) + ".html",
	}
}

func gosecRef(rule string) finding.Reference {
	return finding.Reference{Source: "gosec " + rule, URL: "https://github.com/securego/gosec#available-rules"}
}

// trimDot drops the final period of a gosec description.
func trimDot(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), ".") }

// lowerFirst lower-cases the first letter of a sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
