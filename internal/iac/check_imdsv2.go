package iac

// Inspects metadata_options.http_tokens (default "optional") and
// metadata_options.http_endpoint of aws_instance, aws_launch_template and
// aws_launch_configuration. Allowed: http_tokens "required", or the
// endpoint "disabled".

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkIMDSv2() check.Check[*Instance] {
	return check.Check[*Instance]{
		Meta: cloud("FC-AWS-050", "Instance metadata service does not require IMDSv2", finding.SeverityHigh,
			"With IMDSv1 allowed, a server-side request forgery in any application on the instance can read the instance role's credentials.",
			"Set metadata_options { http_tokens = \"required\" }.",
			ref("AWS Foundational Security Best Practices EC2.8", ""),
			avd("AVD-AWS-0028"), tfsec("aws", "ec2", "enforce-http-token-imds"),
			avd("AVD-AWS-0130"), tfsec("aws", "autoscaling", "enforce-http-token-imds"),
			cwe(918)),
		Eval: func(in *Instance) []check.Violation {
			if in.MetadataEndpoint.Is("disabled") || !in.HTTPTokens.Known || in.HTTPTokens.Val == "required" {
				return nil
			}
			return []check.Violation{at(&in.Block, in.HTTPTokens.Range, "metadata_options.http_tokens",
				"%s does not require IMDSv2: http_tokens is %q, it must be \"required\"", in.Address, in.HTTPTokens.Val)}
		},
	}
}
