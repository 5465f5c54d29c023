package iac

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestAWSAccountAsset(t *testing.T) {
	for _, tc := range []struct {
		name, tf string
		want     map[string]string // nil: no asset
	}{
		{"no aws", `resource "google_compute_disk" "d" { name = "d" }`, nil},
		{"unmanaged", "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n",
			map[string]string{"ebsEncryptionByDefault": "unmanaged", "deployment": "prod", "provider": "aws"}},
		{"enabled by default", "provider \"aws\" {}\n\nresource \"aws_kms_key\" \"ebs\" {}\n\nresource \"aws_ebs_encryption_by_default\" \"this\" {}\n\nresource \"aws_ebs_default_kms_key\" \"this\" {\n  key_arn = aws_kms_key.ebs.arn\n}\n",
			map[string]string{"ebsEncryptionByDefault": "true", "ebsEncryptionByDefaultAt": "prod/main.tf:5", "ebsDefaultKMSKey": "aws_kms_key.ebs"}},
		{"disabled", "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = false\n}\n",
			map[string]string{"ebsEncryptionByDefault": "false", "ebsEncryptionByDefaultAt": "prod/main.tf:1"}},
		{"unknown", "variable \"on\" {}\n\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = var.on\n}\n",
			map[string]string{"ebsEncryptionByDefault": "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"prod/main.tf": {Data: []byte(tc.tf)}}
			_, as, sk := NewScanner(Options{}).ScanAssets(context.Background(), fsys, []string{"prod/main.tf"})
			if len(sk) > 0 {
				t.Fatalf("skipped: %v", sk)
			}
			if tc.want == nil {
				if len(as) > 0 {
					t.Fatalf("assets %v, want none", as)
				}
				return
			}
			if len(as) != 1 || as[0].ID != "cloud:prod/aws" || as[0].Kind != "account" || as[0].Layer != finding.LayerCloud {
				t.Fatalf("assets %+v, want one account cloud:prod/aws", as)
			}
			for k, v := range tc.want {
				if got := as[0].Attrs[k]; got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
