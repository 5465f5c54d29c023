package secret

import (
	"bytes"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-016 inspects kubeconfig files (YAML holding "kind: Config" or
// "current-context:") for credentials embedded in users[].user:
// client-key-data, token, password, and the access-token, id-token and
// refresh-token of auth providers. References to files (client-key:,
// tokenFile:), values such as DATA+OMITTED or REDACTED, and tokens that
// read as words ("localhost-match-with-port") are allowed.
func ruleKubeconfigCredential() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-016",
			"Kubeconfig with embedded credentials",
			finding.SeverityCritical,
			finding.LayerCode,
			"A kubeconfig file embeds a client key, bearer token or password. Whoever reads the file reaches the cluster's API server as that user.",
			"Revoke the credential (rotate the client certificate, delete the token), remove the file from the repository and its history, and use an exec credential plugin or short-lived tokens.",
			cwe798(),
			finding.Reference{Source: "Kubernetes: organizing cluster access using kubeconfig files", URL: "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/"},
		),
		Name:     "kubeconfig-credential",
		Label:    "kubeconfig credential",
		Keywords: []string{"client-key-data", "token:", "password:"},
		Requires: []string{"kind: config", "current-context:"},
		Pattern: `(?m)^[ \t-]*(?P<field>client-key-data|token|password|access-token|id-token|refresh-token)[ \t]*:[ \t]*["']?` +
			`(?P<secret>[^\s"'#]{6,})`,
		Allowlists: append(placeholders(), Allowlist{Stopwords: []string{"data+omitted"}}),
		Verify: func(secret, match []byte) (string, bool) {
			field := bytes.TrimLeft(match, " \t-")
			field = field[:bytes.IndexByte(field, ':')]
			field = bytes.TrimSpace(field)
			switch string(field) {
			case "client-key-data":
				return "kubeconfig client key", len(secret) >= 64
			case "password":
				return "kubeconfig password", !lowVariety(secret)
			default:
				return "kubeconfig bearer token", len(secret) >= 16 && !lowVariety(secret) && !looksLikeIdentifier(secret)
			}
		},
	}
}
