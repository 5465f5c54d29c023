package iac

// Inspects azurerm_storage_account.allow_nested_items_to_be_public (or
// allow_blob_public_access). Allowed: not explicitly true (the default
// differs between provider versions, so an unset value is not judged).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzurePublicBlobs() check.Check[*StorageAccount] {
	return check.Check[*StorageAccount]{
		Meta: cloud("FC-AZ-003", "Storage account allows public blob access", finding.SeverityHigh,
			"An account that allows public access lets any container be switched to anonymous read access.",
			"Set allow_nested_items_to_be_public = false.",
			ref("CIS Microsoft Azure Foundations 3.7", ""),
			avd("AVD-AZU-0007"), tfsec("azure", "storage", "no-public-access"),
			cwe(284)),
		Eval: func(a *StorageAccount) []check.Violation {
			if !a.PublicBlobs.Is(true) {
				return nil
			}
			return []check.Violation{at(&a.Block, a.PublicBlobs.Range, "allow_nested_items_to_be_public", "storage account %s allows public access to blobs", a.Address)}
		},
	}
}
