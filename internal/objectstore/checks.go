package objectstore

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Checks returns the catalogue of live object storage checks.
func Checks() []check.Meta { return check.Metas(checks()) }

// checks returns every bucket check, in ID order.
func checks() []check.Check[*Bucket] {
	return []check.Check[*Bucket]{
		checkEncryption(),
		checkVersioning(),
		checkMFADelete(),
		checkBackupObjectLock(),
		checkBackupRetention(),
		checkPublicPolicy(),
		checkPublicACL(),
		checkLogging(),
		checkPublicAccessBlock(),
	}
}

// evaluate runs the checks over one bucket.
func evaluate(cs []check.Check[*Bucket], b *Bucket) []finding.Finding {
	res := finding.Resource{Kind: ResourceKind, Name: b.Name}
	loc := finding.Location{Object: "s3://" + b.Name}
	var out []finding.Finding
	for _, c := range cs {
		for _, v := range c.Eval(b) {
			out = append(out, c.Meta.Finding(res, loc, v))
		}
	}
	return out
}

func cloud(id, title string, sev finding.Severity, desc, fix string, refs ...finding.Reference) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCloud,
		desc,
		fix,
		refs...,
	)
}

func ref(source, url string) finding.Reference { return finding.Reference{Source: source, URL: url} }

// fsbp returns a reference to an AWS Foundational Security Best Practices
// control for S3.
func fsbp(control string) finding.Reference {
	return ref("AWS Foundational Security Best Practices "+control, "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html")
}

// cwe returns a reference to a CWE entry.
func cwe(n int) finding.Reference {
	return finding.Reference{Source: fmt.Sprintf("CWE-%d", n), URL: fmt.Sprintf("https://cwe.mitre.org/data/definitions/%d.html", n)}
}

// violation builds a one-violation result.
func violation(format string, args ...any) []check.Violation {
	return []check.Violation{{Message: fmt.Sprintf(format, args...)}}
}
