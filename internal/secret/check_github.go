package secret

import (
	"bytes"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-006 inspects any text for GitHub tokens: ghp_ (personal access),
// gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server) and ghr_
// (refresh) followed by 36 alphanumerics, and fine-grained personal access
// tokens github_pat_<22>_<59>.
func ruleGitHubToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-006",
			"GitHub token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A GitHub token is committed to a file. It acts as its owner on GitHub with the token's scopes: reading private code, pushing, changing workflows.",
			"Revoke the token in GitHub settings (or the app's installation), remove it from the file and its history, and pass tokens through a secret store or CI secrets.",
			cwe798(),
			finding.Reference{Source: "GitHub: keeping your API credentials secure", URL: "https://docs.github.com/en/rest/authentication/keeping-your-api-credentials-secure"},
		),
		Name:     "github-token",
		Label:    "GitHub token",
		Keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		Pattern: `\b(?P<secret>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b|` +
			`\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b`,
		Entropy:    3.5,
		Allowlists: placeholders(),
		Verify: func(secret, _ []byte) (string, bool) {
			for _, k := range []struct{ prefix, label string }{
				{"ghp_", "GitHub personal access token"},
				{"github_pat_", "GitHub fine-grained personal access token"},
				{"gho_", "GitHub OAuth access token"},
				{"ghu_", "GitHub user-to-server token"},
				{"ghs_", "GitHub server-to-server token"},
				{"ghr_", "GitHub refresh token"},
			} {
				if bytes.HasPrefix(secret, []byte(k.prefix)) {
					return k.label, true
				}
			}
			return "", true
		},
	}
}

// FC-SEC-007 inspects any text for GitLab personal access tokens: "glpat-"
// followed by at least 20 characters of [0-9A-Za-z_-] (newer tokens append
// dot-separated routing parts).
func ruleGitLabToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-007",
			"GitLab personal access token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A GitLab personal access token is committed to a file. It acts as its owner on the GitLab instance with the token's scopes.",
			"Revoke the token in GitLab (User settings > Access tokens), remove it from the file and its history, and use CI/CD variables or a secret store.",
			cwe798(),
			finding.Reference{Source: "GitLab: personal access tokens", URL: "https://docs.gitlab.com/user/profile/personal_access_tokens/"},
		),
		Name:       "gitlab-token",
		Label:      "GitLab personal access token",
		Keywords:   []string{"glpat-"},
		Pattern:    `\b(?P<secret>glpat-[0-9A-Za-z_-]{20,}(?:\.[0-9A-Za-z_-]+)*)`,
		Entropy:    3.5,
		Allowlists: placeholders(),
	}
}
