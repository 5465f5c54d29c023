package iac

// Inspects the block devices of aws_instance (root_block_device,
// ebs_block_device), aws_launch_template
// (block_device_mappings.ebs.encrypted) and aws_launch_configuration.
// Allowed: encrypted = true, or aws_ebs_encryption_by_default enabled.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkBlockDeviceEncryption() check.Check[*Instance] {
	return check.Check[*Instance]{
		Meta: cloud("FC-AWS-021", "Instance or launch template block device is not encrypted", finding.SeverityHigh,
			"Block devices created unencrypted by an instance or launch template leave their data and snapshots readable outside the instance.",
			"Set encrypted = true on every root and EBS block device, or enable aws_ebs_encryption_by_default.",
			ref("CIS AWS Foundations 2.2.1", ""),
			avd("AVD-AWS-0131"), tfsec("aws", "ec2", "enable-at-rest-encryption"),
			avd("AVD-AWS-0008"), tfsec("aws", "autoscaling", "enable-at-rest-encryption"),
			cwe(311)),
		Eval: func(in *Instance) []check.Violation {
			var out []check.Violation
			for _, d := range in.BlockDevices {
				if d.Encrypted.Is(false) {
					v := at(&in.Block, d.Encrypted.Range, "block_device", "block device %q of %s is not encrypted", d.Name, in.Address)
					v.Discriminator = d.Name
					out = append(out, v)
				}
			}
			return out
		},
	}
}
