package objectstore

// Inspects Bucket.ACL (GetBucketAcl): the grantee URI of every Group
// grant. Violation: a grant to AllUsers or AuthenticatedUsers. Unknown
// when the call was not answered.

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPublicACL() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-007", "S3 bucket ACL grants public access", finding.SeverityHigh,
			"An ACL grant to AllUsers or AuthenticatedUsers lets anyone on the internet (or anyone with any AWS account) list, read or write the bucket or its ACL.",
			"Set the bucket ACL to private (or disable ACLs with object ownership BucketOwnerEnforced) and grant access through bucket policies to named principals.",
			fsbp("S3.2"), fsbp("S3.3"), cwe(284)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.ACL.Known() {
				return nil
			}
			// The ACL groups that make a grant public.
			publicGroups := []string{"AllUsers", "AuthenticatedUsers"}
			byGroup := map[string][]string{}
			for _, g := range b.ACL.Value {
				group := path.Base(g.URI)
				if !strings.EqualFold(g.GranteeType, "Group") || !slices.Contains(publicGroups, group) {
					continue
				}
				if !slices.Contains(byGroup[group], g.Permission) {
					byGroup[group] = append(byGroup[group], g.Permission)
				}
			}
			var out []check.Violation
			for _, group := range publicGroups {
				perms := byGroup[group]
				if len(perms) == 0 {
					continue
				}
				slices.Sort(perms)
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("ACL of S3 bucket %q grants %s to %s", b.Name, strings.Join(perms, ", "), group),
					Discriminator: group,
				})
			}
			return out
		},
	}
}
