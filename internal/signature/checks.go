package signature

import (
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var timeZero time.Time

func checks() []check.Check[*Result] {
	return []check.Check[*Result]{checkUnsigned(), checkInvalidSignature(), checkUnexpectedIdentity()}
}

// Checks returns the catalogue of the signature checks.
func Checks() []check.Meta { return check.Metas(checks()) }

// Findings turns a verification outcome into findings.
func Findings(r *Result) []finding.Finding {
	var out []finding.Finding
	res := finding.Resource{Kind: "image", Name: r.Image}
	loc := finding.Location{Object: r.Image + "@" + r.Digest}
	for _, c := range checks() {
		for _, v := range c.Eval(r) {
			out = append(out, c.Meta.Finding(res, loc, v))
		}
	}
	return out
}
