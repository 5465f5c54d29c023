package iac

// Inspects members of google_storage_bucket_iam_member (member),
// google_storage_bucket_iam_binding (members), google_storage_bucket_acl
// (role_entity) and google_storage_*_access_control (entity). Allowed:
// neither allUsers nor allAuthenticatedUsers.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkGCSPublic() check.Check[*StorageBucketIAM] {
	return check.Check[*StorageBucketIAM]{
		Meta: cloud("FC-GCP-002", "Cloud Storage bucket is public", finding.SeverityHigh,
			"Granting a role to allUsers or allAuthenticatedUsers makes the bucket's objects readable (or writable) by anyone with a Google account or none.",
			"Grant roles to specific users, groups or service accounts only.",
			ref("CIS Google Cloud Platform 5.1", ""),
			avd("AVD-GCP-0001"), tfsec("google", "storage", "no-public-access"),
			cwe(284)),
		Eval: func(g *StorageBucketIAM) []check.Violation {
			for _, m := range g.Members.Items {
				if m.Known && (m.Val == "allUsers" || m.Val == "allAuthenticatedUsers") {
					return []check.Violation{at(&g.Block, m.Range, "members", "%s grants access to %s", g.Address, m.Val)}
				}
			}
			return nil
		},
	}
}
