package report

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/fourc-dev/fourc/internal/finding"
)

// advisoryRule gathers what the results of one advisory say, to describe
// the advisory as one SARIF rule.
type advisoryRule struct {
	id      string
	v       *finding.Vulnerability
	layer   finding.Layer
	checks  []string
	worst   finding.Severity
	score   float64 // security-severity, from the worst result
	fixes   []string
	remedy  []string
	aliases []string
}

// advisoryRules returns one rule per advisory among the reported and
// suppressed findings, sorted by ID.
func advisoryRules(r *Report) []*advisoryRule {
	byID := map[string]*advisoryRule{}
	var out []*advisoryRule
	for _, f := range allFindings(r) {
		v := f.Vulnerability
		if v == nil || v.ID == "" {
			continue
		}
		a := byID[v.ID]
		if a == nil {
			a = &advisoryRule{id: v.ID, v: v, layer: f.Layer, worst: f.Severity, score: -1}
			byID[v.ID] = a
			out = append(out, a)
		}
		a.worst = max(a.worst, f.Severity)
		a.score = max(a.score, vulnScore(f))
		if !slices.Contains(a.checks, f.CheckID) {
			a.checks = append(a.checks, f.CheckID)
		}
		for _, fx := range v.FixedVersions {
			pkgFix := v.Package + " " + fx
			if !slices.Contains(a.fixes, pkgFix) {
				a.fixes = append(a.fixes, pkgFix)
			}
		}
		if f.Remediation != "" && !slices.Contains(a.remedy, f.Remediation) {
			a.remedy = append(a.remedy, f.Remediation)
		}
		for _, al := range v.Aliases {
			if !slices.Contains(a.aliases, al) {
				a.aliases = append(a.aliases, al)
			}
		}
	}
	slices.SortFunc(out, func(a, b *advisoryRule) int { return cmp.Compare(a.id, b.id) })
	return out
}

// vulnScore is the security-severity of one vulnerability finding: its
// CVSS base score when the effective severity is the advisory's own, else
// the score of the effective severity's band.
func vulnScore(f finding.Finding) float64 {
	v := f.Vulnerability
	if v.CVSS != nil && v.EffectiveSeverity == v.BaseSeverity && v.CVSS.Score > 0 {
		return v.CVSS.Score
	}
	s, _ := strconv.ParseFloat(securitySeverity(f.Severity), 64)
	return s
}

// rule describes the advisory as a SARIF reportingDescriptor.
func (a *advisoryRule) rule() *sarif.ReportingDescriptor {
	short := a.id
	if a.v.Summary != "" {
		short += ": " + truncateRunes(strings.TrimSpace(a.v.Summary), 120)
	}
	rule := sarif.NewRule(a.id).WithDescription(short)
	var full strings.Builder
	full.WriteString(cmp.Or(strings.TrimSpace(a.v.Summary), "Known vulnerability "+a.id))
	if len(a.aliases) > 0 {
		full.WriteString(" (" + strings.Join(a.aliases, ", ") + ")")
	}
	full.WriteString(".")
	rule.WithFullDescription(sarif.NewMultiformatMessageString(full.String()))

	url := "https://osv.dev/vulnerability/" + a.id
	var t, md strings.Builder
	fmt.Fprintf(&t, "%s\n\n", full.String())
	fmt.Fprintf(&md, "%s\n\n", full.String())
	if len(a.remedy) > 0 {
		t.WriteString("Remediation: " + strings.Join(a.remedy, " ") + "\n")
		md.WriteString("**Remediation:** " + strings.Join(a.remedy, " ") + "\n")
	} else {
		t.WriteString("Remediation: no fixed version is published; record why it does not affect you in a VEX document, or replace the package.\n")
		md.WriteString("**Remediation:** no fixed version is published; record why it does not affect you in a VEX document, or replace the package.\n")
	}
	if len(a.fixes) > 0 {
		t.WriteString("Fixed in: " + strings.Join(a.fixes, ", ") + "\n")
		md.WriteString("\n**Fixed in:** " + strings.Join(a.fixes, ", ") + "\n")
	}
	t.WriteString("\nAdvisory: " + url)
	md.WriteString("\n[" + mdLinkText(a.id) + "](" + mdLinkDest(url) + ")")
	rule.WithTextHelp(t.String()).WithMarkdownHelp(md.String()).WithHelpURI(url)
	rule.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(a.worst)))
	tags := []string{"security", "vulnerability"}
	if a.layer.Valid() {
		tags = append(tags, strings.ToLower(a.layer.String()))
	}
	tags = append(tags, "external/cwe/cwe-1395")
	props := sarif.Properties{
		"security-severity":  strconv.FormatFloat(max(a.score, 0), 'f', 1, 64),
		"tags":               tags,
		"checks":             a.checks,
		"ecosystem":          a.v.Ecosystem,
		"package":            a.v.Package,
		"base_severity":      a.v.BaseSeverity.String(),
		"effective_severity": a.worst.String(),
	}
	if len(a.aliases) > 0 {
		props["aliases"] = a.aliases
	}
	if a.v.CVSS != nil {
		props["cvss"] = a.v.CVSS
	}
	rule.WithProperties(props)
	return rule
}

// sarifSuppression records why a suppressed finding is silenced: an inline
// comment is an in-source suppression, an ignore entry or a VEX statement
// an external one; the justification is the reason given.
func sarifSuppression(sp Suppressed, res *sarif.Result) *sarif.Suppression {
	kind := "external"
	by := sp.By
	if strings.HasPrefix(by, "inline comment ") {
		kind = "inSource"
	}
	just := by
	if sp.Reason != "" {
		just = by + ": " + sp.Reason
	}
	s := sarif.NewSuppression(kind).
		WithStatus("accepted").
		WithJustifcation(just).
		WithGuid(suppressionGUID(sp)).
		WithLocation(suppressionLocation(sp, res))
	s.Properties = sarif.Properties{"by": by}
	if sp.Reason != "" {
		s.Properties["reason"] = sp.Reason
	}
	if v := sp.Finding.Vulnerability; v != nil && v.VEXStatus != "" {
		s.Properties["vex_status"] = v.VEXStatus
	}
	return s
}

// suppressionLocation is where the suppression is written: the ignore
// file's or the comment's line when By names one, else the result's own
// location, else a logical location named after the suppression.
func suppressionLocation(sp Suppressed, res *sarif.Result) *sarif.Location {
	for _, prefix := range []string{"ignore file ", "inline comment "} {
		rest, ok := strings.CutPrefix(sp.By, prefix)
		if !ok {
			continue
		}
		file, line, ok := strings.Cut(rest, ":")
		n, err := strconv.Atoi(line)
		if !ok || err != nil || n < 1 || file == "" {
			break
		}
		return sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(artifactLocation(file)).
			WithRegion(sarif.NewRegion().WithStartLine(n)))
	}
	if len(res.Locations) > 0 {
		return res.Locations[0]
	}
	name := cmp.Or(sp.By, "suppression")
	loc := sarif.NewLocation()
	loc.AddLogicalLocations(sarif.NewLogicalLocation().WithName(name).WithFullyQualifiedName(name).WithKind("resource"))
	return loc
}

// suppressionGUID is a stable UUID (version 5 layout) for a suppression,
// from the finding's fingerprint and what suppressed it.
func suppressionGUID(sp Suppressed) string {
	h := sha256.Sum256([]byte(sp.Finding.Fingerprint + "\x00" + sp.By))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
