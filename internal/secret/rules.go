package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// BuiltinRules returns fourc's built-in rules in priority order: when two
// matches overlap, the rule with the higher severity wins, and between equal
// severities the one listed first.
func BuiltinRules() []Rule {
	return []Rule{
		ruleAWSAccessKeyID(),
		ruleAWSSecretKey(),
		ruleGCPServiceAccountKey(),
		ruleAzureStorageKey(),
		ruleKubeconfigCredential(),
		rulePrivateKey(),
		ruleOpenSSHPrivateKey(),
		ruleEncryptedPrivateKey(),
		ruleGCPAPIKey(),
		ruleGitHubToken(),
		ruleGitLabToken(),
		ruleSlackToken(),
		ruleSlackWebhook(),
		ruleStripeKey(),
		ruleNPMToken(),
		rulePyPIToken(),
		ruleKubernetesSAToken(),
		ruleJWT(),
		ruleDatabaseURL(),
		ruleGenericSecret(),
	}
}

// Checks returns the catalogue of the secret checks: every built-in rule and
// FC-SEC-900, the check Gitleaks rules report under. User rules (IDs of
// the user's namespace, see [check.ValidUserID]) are listed by
// [Detector.Checks].
func Checks() []check.Meta {
	rules := BuiltinRules()
	out := make([]check.Meta, 0, len(rules)+1)
	for _, r := range rules {
		out = append(out, r.Meta)
	}
	return append(out, customMeta())
}

// customID is the check every Gitleaks rule reports under.
const customID = "FC-SEC-900"

// customMeta is the check of rules loaded from a Gitleaks config; the
// message of each finding names the Gitleaks rule.
func customMeta() check.Meta {
	return check.New(
		customID,
		"Custom secret rule",
		finding.SeverityHigh,
		finding.LayerCode,
		"A value matching a rule of the loaded Gitleaks configuration was found in a file; whoever reads the file can use it.",
		"Revoke the credential, remove it from the file and its history, and load it from a secret store at run time.",
		cwe798(),
	)
}

func cwe798() finding.Reference {
	return finding.Reference{Source: "CWE-798", URL: "https://cwe.mitre.org/data/definitions/798.html"}
}

func cwe321() finding.Reference {
	return finding.Reference{Source: "CWE-321", URL: "https://cwe.mitre.org/data/definitions/321.html"}
}

func cwe259() finding.Reference {
	return finding.Reference{Source: "CWE-259", URL: "https://cwe.mitre.org/data/definitions/259.html"}
}

// placeholders are the allowlists every built-in rule shares: values that
// documentation, templates and tests use in place of a real secret, and
// lines that say the value is not real.
func placeholders() []Allowlist {
	return []Allowlist{{
		Stopwords: placeholderWords(),
		Regexes: []string{
			`\$\{[^}]*\}`,          // ${VAR}
			`^\$[A-Za-z_({]`,       // $VAR, $(cmd)
			`\{\{[^}]*\}\}`,        // {{ template }}
			`<[A-Za-z0-9_ -]+>`,    // <your-token>
			`^%[-+ #0-9.]*[sdvq]$`, // a printf verb: "%s"
			`^%\([A-Za-z_]+\)s$`,   // Python's "%(password)s"
			`^[*.#xX-]+$`,          // ****, ..., xxxx
			`\.\.\.`,               // truncated values
			`(?i)^(?:none|null|nil|true|false|undefined|empty|secret|password|passwd|token|string)$`,
		},
	}, {
		Target:  targetLine,
		Regexes: []string{`(?i)\b(?:fake|dummy)\b|not a real`},
	}}
}

// placeholderWords mark a value as a stand-in when found in it.
func placeholderWords() []string {
	return []string{
		"example", "placeholder", "xxxx", "changeme", "change_me", "change-me",
		"dummy", "sample", "redacted", "omitted", "your_", "your-", "yourtoken",
		"notreal", "not_real", "not-real", "not_a_real", "not-a-real", "test",
	}
}

// lowVariety reports whether a value is too regular to be a generated
// secret: few distinct bytes, or mostly ascending or repeated runs such as
// "abcdefgh" or "12341234".
func lowVariety(v []byte) bool {
	if len(v) < 2 {
		return true
	}
	var seen [256]bool
	distinct := 0
	for _, c := range v {
		if !seen[c] {
			seen[c] = true
			distinct++
		}
	}
	if distinct <= 3 || distinct*4 < len(v) && len(v) < 64 {
		return true
	}
	steps := 0
	for i := 1; i < len(v); i++ {
		if d := int(v[i]) - int(v[i-1]); d == 1 || d == 0 {
			steps++
		}
	}
	return steps*2 > len(v)
}
