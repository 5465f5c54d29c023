package iac

// Assets for cross-layer correlation. A Terraform module that manages an
// AWS account (a provider "aws" block, or an aws_ebs_encryption_by_default
// or aws_ebs_default_kms_key) gives one asset:
//
//	cloud:DIR/aws   kind "account"   (Cloud layer) resource aws_account/DIR
//
// Attributes:
//
//	provider                "aws"
//	deployment              DIR, the module's directory
//	ebsEncryptionByDefault  "true" (an aws_ebs_encryption_by_default is enabled), "false" (one
//	                        is declared and disabled), "unknown" (its value cannot be known
//	                        offline) or "unmanaged" (none is declared)
//	ebsEncryptionByDefaultAt  FILE:LINE of that resource
//	ebsDefaultKMSKey        the key_arn of aws_ebs_default_kms_key as written (its reference,
//	                        e.g. aws_kms_key.ebs, when it refers to a key of the module)
//
// Plans and CloudFormation templates give no asset.

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/fourc-dev/fourc/internal/finding"
)

// ScanAssets implements engine.AssetScanner: the findings of Scan, and the
// account asset of the unit's Terraform module.
func (s *Scanner) ScanAssets(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Asset, []finding.Skipped) {
	fs, m, sk := s.scan(ctx, fsys, paths)
	if m == nil {
		return fs, nil, sk
	}
	if a, ok := awsAccount(m); ok {
		return fs, []finding.Asset{a}, sk
	}
	return fs, nil, sk
}

// awsAccount returns the account asset of a module that manages AWS.
func awsAccount(m *Module) (finding.Asset, bool) {
	aws := &m.AWS
	if len(aws.Providers) == 0 && len(aws.EBSDefaults) == 0 && len(aws.EBSDefaultKeys) == 0 {
		return finding.Asset{}, false
	}
	a := finding.Asset{
		ID: "cloud:" + m.Dir + "/aws", Kind: "account", Name: "AWS account of " + m.Dir + "/", Layer: finding.LayerCloud,
		Resource: finding.Resource{Kind: "aws_account", Name: m.Dir},
		Attrs:    map[string]string{"provider": "aws", "deployment": m.Dir, "ebsEncryptionByDefault": "unmanaged"},
	}
	if len(aws.Providers) > 0 {
		a.Location = location(aws.Providers[0].Range)
	}
	for _, d := range aws.EBSDefaults {
		state := "unknown"
		if d.Enabled.Known {
			state = fmt.Sprint(d.Enabled.Val)
		}
		// One enabled resource is enough; otherwise the first one tells.
		if prev := a.Attrs["ebsEncryptionByDefault"]; prev == "unmanaged" || (state == "true" && prev != "true") {
			a.Attrs["ebsEncryptionByDefault"] = state
			a.Attrs["ebsEncryptionByDefaultAt"] = fileLine(d.Range)
		}
	}
	for _, k := range aws.EBSDefaultKeys {
		switch {
		case len(k.KeyARN.Refs) > 0:
			a.Attrs["ebsDefaultKMSKey"] = k.KeyARN.Refs[0]
		case k.KeyARN.Known:
			a.Attrs["ebsDefaultKMSKey"] = k.KeyARN.Val
		}
	}
	return a, true
}

func location(r Range) finding.Location {
	return finding.Location{Path: r.Path, StartLine: r.StartLine, EndLine: r.EndLine}
}

// fileLine formats a range as FILE:LINE.
func fileLine(r Range) string {
	if r.StartLine == 0 {
		return r.Path
	}
	return fmt.Sprintf("%s:%d", r.Path, r.StartLine)
}
