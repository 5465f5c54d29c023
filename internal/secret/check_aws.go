package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-001 inspects any text for an AWS access key ID: a long-term (AKIA)
// or temporary (ASIA) key, or the ABIA/ACCA/A3T* variants, followed by 16
// characters of the base32 alphabet [A-Z2-7]. Values holding a placeholder
// word (the documentation's AKIAIOSFODNN7EXAMPLE) are allowed.
func ruleAWSAccessKeyID() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-001",
			"AWS access key ID",
			finding.SeverityCritical,
			finding.LayerCode,
			"An AWS access key ID is committed to a file. It identifies a credential pair; the secret key is usually close by, and together they act as the account's identity.",
			"Deactivate and delete the access key in IAM, remove it from the file and its history, and use roles or a secret store instead of static keys.",
			cwe798(),
			finding.Reference{Source: "AWS IAM best practices", URL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"},
		),
		Name:       "aws-access-key-id",
		Label:      "AWS access key ID",
		Keywords:   []string{"akia", "asia", "abia", "acca", "a3t"},
		Pattern:    `\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b`,
		Entropy:    3.0,
		Allowlists: placeholders(),
	}
}

// FC-SEC-002 inspects assignments whose name mentions AWS and a secret or
// key (aws_secret_access_key = …, AWS_SECRET_KEY: …, and a Kubernetes env
// entry whose name is such a variable with the value on the next line) for a
// 40-character base64 value of high entropy.
func ruleAWSSecretKey() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-002",
			"AWS secret access key",
			finding.SeverityCritical,
			finding.LayerCode,
			"An AWS secret access key is committed to a file. With its access key ID it signs requests as the IAM user or role that owns it.",
			"Deactivate and delete the access key in IAM, remove it from the file and its history, and use roles or a secret store instead of static keys.",
			cwe798(),
			finding.Reference{Source: "AWS IAM best practices", URL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"},
		),
		Name:     "aws-secret-access-key",
		Label:    "AWS secret access key",
		Keywords: []string{"aws"},
		Pattern: `(?i)aws[a-z0-9_.-]{0,30}?(?:secret|private|sak)[a-z0-9_.-]{0,20}["']?` +
			`(?:\s*(?::=|=>|=|:)|\s*\n\s*value\s*:)\s*["']?` +
			`(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`,
		Multiline:  true,
		Span:       256,
		Entropy:    4.0,
		Allowlists: placeholders(),
	}
}
