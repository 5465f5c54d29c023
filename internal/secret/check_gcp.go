package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-003 inspects JSON that declares "type": "service_account" for a
// "private_key" field holding a PEM private key (with its newlines escaped
// as \n): a Google Cloud service account key file.
func ruleGCPServiceAccountKey() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-003",
			"GCP service account key",
			finding.SeverityCritical,
			finding.LayerCode,
			"A Google Cloud service account key file is committed. Its private key signs tokens for the service account, with every role the account holds.",
			"Delete the key in IAM (gcloud iam service-accounts keys delete), remove the file and its history, and use workload identity instead of exported keys.",
			cwe798(),
			cwe321(),
			finding.Reference{Source: "Google Cloud: best practices for managing service account keys", URL: "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys"},
		),
		Name:     "gcp-service-account-key",
		Label:    "GCP service account private key",
		Keywords: []string{`"private_key"`},
		Requires: []string{"service_account"},
		Pattern: `"private_key"\s*:\s*"-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n)?` +
			`(?P<secret>[A-Za-z0-9+/=\\]{64,}?)(?:\\n)?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?"`,
		Span:       8 << 10,
		Entropy:    4.0,
		Allowlists: placeholders(),
	}
}

// FC-SEC-004 inspects any text for a Google API key: "AIza" followed by 35
// characters of [0-9A-Za-z_-].
func ruleGCPAPIKey() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-004",
			"GCP API key",
			finding.SeverityHigh,
			finding.LayerCode,
			"A Google API key is committed to a file. Anyone holding it can call the APIs it is enabled for, billed to the project.",
			"Delete or rotate the key in the Cloud console, restrict new keys by API and referrer, and keep them out of source.",
			cwe798(),
			finding.Reference{Source: "Google Cloud: API keys best practices", URL: "https://cloud.google.com/docs/authentication/api-keys-best-practices"},
		),
		Name:       "gcp-api-key",
		Label:      "GCP API key",
		Keywords:   []string{"aiza"},
		Pattern:    `\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)`,
		Entropy:    3.5,
		Allowlists: placeholders(),
	}
}
