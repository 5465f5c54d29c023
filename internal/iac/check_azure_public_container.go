package iac

// Inspects azurerm_storage_container.container_access_type (default
// private). Allowed: "private".

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzurePublicContainer() check.Check[*StorageContainer] {
	return check.Check[*StorageContainer]{
		Meta: cloud("FC-AZ-009", "Storage container allows anonymous access", finding.SeverityHigh,
			"A container with access type blob or container lets anyone read its blobs (and, for container, list them) without credentials.",
			"Set container_access_type = \"private\".",
			ref("CIS Microsoft Azure Foundations 3.7", ""),
			avd("AVD-AZU-0007"), tfsec("azure", "storage", "no-public-access"),
			cwe(284)),
		Eval: func(c *StorageContainer) []check.Violation {
			if !c.AccessType.Is("blob") && !c.AccessType.Is("container") {
				return nil
			}
			return []check.Violation{at(&c.Block, c.AccessType.Range, "container_access_type", "storage container %s has access type %q", c.Address, c.AccessType.Val)}
		},
	}
}
