package objectstore

// Inspects Bucket.Policy (GetBucketPolicy): every statement's Effect,
// Principal/NotPrincipal, Action/NotAction and Condition. Violation: an
// Allow statement for Principal "*" (or {"AWS": "*"}) or with a
// NotPrincipal, without a Condition. Unknown when the call was not
// answered or the document does not parse.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkPublicPolicy() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-006", "S3 bucket policy grants public access", finding.SeverityHigh,
			"A bucket policy statement that allows Principal \"*\" without a condition lets anyone on the internet, unauthenticated, perform its actions on the bucket.",
			"Remove the statement or name the principals it is for; where public reads are intended, serve them through a CDN origin identity or add conditions (source VPC endpoint, organisation ID).",
			fsbp("S3.2"), fsbp("S3.3"), cwe(284)),
		Eval: func(b *Bucket) []check.Violation {
			if !b.Policy.Known() || b.Policy.Value == "" {
				return nil
			}
			p, err := parsePolicy(b.Policy.Value)
			if err != nil {
				return nil
			}
			var out []check.Violation
			for i, s := range p.Statements {
				grant := s.publicGrant()
				if grant == "" {
					continue
				}
				name := "#" + strconv.Itoa(i+1)
				if s.Sid != "" {
					name = strconv.Quote(s.Sid)
				}
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("policy statement %s of S3 bucket %q allows %s without a condition", name, b.Name, grant),
					Discriminator: "statement " + strings.TrimPrefix(name, "#"),
				})
			}
			return out
		},
	}
}
