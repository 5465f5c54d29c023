package iac

// Inspects aws_kms_key.enable_key_rotation (default false) of symmetric
// encryption keys (customer_master_key_spec SYMMETRIC_DEFAULT, key_usage
// ENCRYPT_DECRYPT). Allowed: true.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkKMSRotation() check.Check[*KMSKey] {
	return check.Check[*KMSKey]{
		Meta: cloud("FC-AWS-081", "KMS key rotation is disabled", finding.SeverityMedium,
			"A symmetric key that is never rotated protects ever more data with the same key material, widening the impact of its compromise.",
			"Set enable_key_rotation = true.",
			ref("CIS AWS Foundations 3.6", ""),
			avd("AVD-AWS-0065"), tfsec("aws", "kms", "auto-rotate-keys"),
			cwe(320)),
		Eval: func(k *KMSKey) []check.Violation {
			if !k.Rotation.Is(false) || !k.KeySpec.Is("SYMMETRIC_DEFAULT") || !k.KeyUsage.Is("ENCRYPT_DECRYPT") {
				return nil
			}
			return []check.Violation{at(&k.Block, k.Rotation.Range, "enable_key_rotation", "KMS key %s does not rotate its key material", k.Address)}
		},
	}
}
