package iac

// Inspects azurerm_managed_disk.encryption_settings.enabled. Allowed: not
// false (platform-managed encryption is on by default).

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkAzureDiskEncryption() check.Check[*ManagedDisk] {
	return check.Check[*ManagedDisk]{
		Meta: cloud("FC-AZ-008", "Managed disk encryption is disabled", finding.SeverityHigh,
			"Disabling disk encryption settings leaves the disk's data without Azure Disk Encryption.",
			"Remove encryption_settings { enabled = false }, or enable it with a Key Vault key.",
			ref("CIS Microsoft Azure Foundations 7.3", ""),
			avd("AVD-AZU-0038"), tfsec("azure", "compute", "enable-disk-encryption"),
			cwe(311)),
		Eval: func(d *ManagedDisk) []check.Violation {
			if !d.EncryptionEnabled.Is(false) {
				return nil
			}
			return []check.Violation{at(&d.Block, d.EncryptionEnabled.Range, "encryption_settings.enabled", "managed disk %s disables encryption", d.Address)}
		},
	}
}
