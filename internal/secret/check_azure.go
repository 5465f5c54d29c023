package secret

import (
	"encoding/base64"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-005 inspects Azure Storage connection strings (AccountKey=…) and
// assignments whose name mentions azure or storage and a key or secret, for
// an 88-character base64 value that decodes to the 64 bytes of a storage
// account key.
func ruleAzureStorageKey() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-005",
			"Azure storage account key",
			finding.SeverityCritical,
			finding.LayerCode,
			"An Azure storage account key (alone or in a connection string) is committed. It grants full access to every blob, queue, table and file share of the account.",
			"Rotate the account key in the portal or with az storage account keys renew, remove it from the file and its history, and use Entra ID or SAS tokens from a secret store.",
			cwe798(),
			finding.Reference{Source: "Azure Storage: manage account access keys", URL: "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage"},
		),
		Name:     "azure-storage-account-key",
		Label:    "Azure storage account key",
		Keywords: []string{"accountkey", "azure", "storage"},
		Pattern: `(?i)(?:accountkey\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==))|` +
			`(?:(?:azure|storage)[a-z0-9_.-]*(?:key|secret)[a-z0-9_.-]*["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[A-Za-z0-9+/]{86}==))`,
		Entropy:    4.5,
		Allowlists: placeholders(),
		Verify: func(secret, _ []byte) (string, bool) {
			raw, err := base64.StdEncoding.DecodeString(string(secret))
			return "", err == nil && len(raw) == 64
		},
	}
}
