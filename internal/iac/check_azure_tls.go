package iac

// Inspects azurerm_storage_account.min_tls_version (default TLS1_2).
// Allowed: TLS1_2 or later.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzureTLS() check.Check[*StorageAccount] {
	return check.Check[*StorageAccount]{
		Meta: cloud("FC-AZ-002", "Storage account allows TLS older than 1.2", finding.SeverityMedium,
			"TLS 1.0 and 1.1 have known weaknesses and are deprecated. "+
				"Medium where Trivy rates it critical: exploiting the old versions needs an active attacker on the network path and a client that still offers them, which current Azure SDKs do not.",
			"Set min_tls_version = \"TLS1_2\".",
			ref("CIS Microsoft Azure Foundations 3.15", ""),
			avd("AVD-AZU-0011"), avd("AVD-AZU-0059"), tfsec("azure", "storage", "use-secure-tls-policy"),
			cwe(327)),
		Eval: func(a *StorageAccount) []check.Violation {
			if !a.MinTLS.Is("TLS1_0") && !a.MinTLS.Is("TLS1_1") {
				return nil
			}
			return []check.Violation{at(&a.Block, a.MinTLS.Range, "min_tls_version", "storage account %s allows %s", a.Address, a.MinTLS.Val)}
		},
	}
}
