package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-018 inspects any text for npm access tokens (npm_ followed by 36
// alphanumerics) and for _authToken= settings in .npmrc files whose value is
// a literal rather than an environment reference such as ${NPM_TOKEN}.
func ruleNPMToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-018",
			"npm access token",
			finding.SeverityHigh,
			finding.LayerCode,
			"An npm registry token is committed to a file. With publish rights it lets anyone push new versions of your packages: a supply-chain compromise.",
			"Revoke the token (npm token revoke), remove it from the file and its history, and write .npmrc as _authToken=${NPM_TOKEN}.",
			cwe798(),
			finding.Reference{Source: "npm: about access tokens", URL: "https://docs.npmjs.com/about-access-tokens"},
		),
		Name:     "npm-token",
		Label:    "npm access token",
		Keywords: []string{"npm_", "_authtoken"},
		Pattern: `\b(?P<secret>npm_[A-Za-z0-9]{36})\b|` +
			`_authToken\s*=\s*["']?(?P<secret>[^\s"'$][^\s"']{7,})`,
		Entropy:    3.0,
		Allowlists: placeholders(),
	}
}

// FC-SEC-019 inspects any text for PyPI API tokens: "pypi-" followed by the
// base64 of the token's macaroon header, which always starts with
// AgEIcHlwaS5vcmc ("pypi.org").
func rulePyPIToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-019",
			"PyPI API token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A PyPI upload token is committed to a file. It lets anyone publish new releases of the projects it is scoped to: a supply-chain compromise.",
			"Delete the token in PyPI account settings, remove it from the file and its history, and use trusted publishing or a CI secret.",
			cwe798(),
			finding.Reference{Source: "PyPI: API tokens", URL: "https://pypi.org/help/#apitoken"},
		),
		Name:       "pypi-token",
		Label:      "PyPI API token",
		Keywords:   []string{"pypi-ageichlwas5vcmc"},
		Pattern:    `\b(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})`,
		Entropy:    3.5,
		Allowlists: placeholders(),
	}
}
