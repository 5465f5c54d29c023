package iac

// Inspects azurerm_storage_account.https_traffic_only_enabled (or
// enable_https_traffic_only; default true). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzureHTTPS() check.Check[*StorageAccount] {
	return check.Check[*StorageAccount]{
		Meta: cloud("FC-AZ-001", "Storage account accepts plain HTTP", finding.SeverityHigh,
			"Allowing HTTP lets data and shared access signatures travel unencrypted.",
			"Set https_traffic_only_enabled = true.",
			ref("CIS Microsoft Azure Foundations 3.1", ""),
			avd("AVD-AZU-0008"), avd("AVD-AZU-0059"), tfsec("azure", "storage", "enforce-https"),
			cwe(319)),
		Eval: func(a *StorageAccount) []check.Violation {
			if !a.HTTPSOnly.Is(false) {
				return nil
			}
			return []check.Violation{at(&a.Block, a.HTTPSOnly.Range, "https_traffic_only_enabled", "storage account %s accepts HTTP traffic", a.Address)}
		},
	}
}
