package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/fourc-dev/fourc/internal/finding"
)

// vulnGroup is the vulnerability findings of one package at one place (a
// check, a package version, a file), shown as one block in the table and
// the Markdown report unless every advisory is asked for (--vuln-detail).
type vulnGroup struct {
	// first is the group's first finding in report order; the group is
	// shown where it is.
	first    finding.Finding
	findings []finding.Finding
}

// vulnKey identifies the group of a vulnerability finding.
type vulnKey struct {
	check, eco, pkg, version, resource string
	loc                                finding.Location
}

func vulnKeyOf(f finding.Finding) vulnKey {
	v := f.Vulnerability
	return vulnKey{f.CheckID, v.Ecosystem, v.Package, v.InstalledVersion, f.Resource.String(), f.Location}
}

// reportItem is one entry of a grouped listing: a finding, or a package's
// vulnerabilities.
type reportItem struct {
	f     *finding.Finding
	group *vulnGroup
}

// groupVulns folds the vulnerability findings of fs into one item per
// package, placed where the package's first finding is; other findings
// stay as they are. With detail, nothing is folded.
func groupVulns(fs []finding.Finding, detail bool) []reportItem {
	items := make([]reportItem, 0, len(fs))
	groups := map[vulnKey]*vulnGroup{}
	for i := range fs {
		f := &fs[i]
		if detail || f.Vulnerability == nil {
			items = append(items, reportItem{f: f})
			continue
		}
		k := vulnKeyOf(*f)
		if g, ok := groups[k]; ok {
			g.findings = append(g.findings, *f)
			continue
		}
		g := &vulnGroup{first: *f, findings: []finding.Finding{*f}}
		groups[k] = g
		items = append(items, reportItem{group: g})
	}
	// A package with one advisory reads best as that finding.
	for i, it := range items {
		if it.group != nil && len(it.group.findings) == 1 {
			items[i] = reportItem{f: &it.group.findings[0]}
		}
	}
	return items
}

// worst is the group's worst (effective) severity.
func (g *vulnGroup) worst() finding.Severity {
	s := finding.SeverityUnknown
	for _, f := range g.findings {
		s = max(s, f.Severity)
	}
	return s
}

// vuln is the structured vulnerability of the group's first finding.
func (g *vulnGroup) vuln() *finding.Vulnerability { return g.first.Vulnerability }

// headline is "pkg installed → fix: N vulnerabilities".
func (g *vulnGroup) headline() string {
	v := g.vuln()
	return fmt.Sprintf("%s %s %s: %d vulnerabilities", v.Package, v.InstalledVersion, g.fixArrow(), len(g.findings))
}

// fixArrow says to which version to upgrade: "→ v0.38.0", "→ v0.38.0 (fixes
// 9 of 12)" or "→ no fix".
func (g *vulnGroup) fixArrow() string {
	fix, unfixed := g.fixAll()
	switch {
	case fix == "":
		return "→ no fix"
	case unfixed > 0:
		return fmt.Sprintf("→ %s (fixes %d of %d)", fix, len(g.findings)-unfixed, len(g.findings))
	}
	return "→ " + fix
}

// maxGroupIDs is how many advisory IDs of one severity a package's block
// names; --vuln-detail (and JSON, SARIF) list them all.
const maxGroupIDs = 6

// ids counts and lists the advisory IDs by effective severity, worst
// first, at most maxGroupIDs of each: "2 high: GO-2024-3333, GO-2025-3503
// · 9 low: GO-2024-2687, … and 3 more".
func (g *vulnGroup) ids() string {
	by := map[finding.Severity][]string{}
	for _, f := range g.findings {
		by[f.Severity] = append(by[f.Severity], f.Vulnerability.ID)
	}
	var parts []string
	for _, s := range worstFirst() {
		ids := by[s]
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		more := ""
		if len(ids) > maxGroupIDs {
			more = fmt.Sprintf(" and %d more", len(ids)-maxGroupIDs)
			ids = ids[:maxGroupIDs]
		}
		parts = append(parts, strconv.Itoa(len(by[s]))+" "+strings.ToLower(s.String())+": "+strings.Join(ids, ", ")+more)
	}
	return strings.Join(parts, " · ")
}

// fixAll returns the lowest version that fixes every advisory of the
// group that has a fix (the highest of their nearest fixed versions), and
// how many advisories have none.
func (g *vulnGroup) fixAll() (string, int) {
	v := g.vuln()
	var fixes []string
	unfixed := 0
	for _, f := range g.findings {
		if fv := f.Vulnerability.FixedVersions; len(fv) > 0 {
			fixes = append(fixes, fv[0])
		} else {
			unfixed++
		}
	}
	return highestVersion(v.Ecosystem, fixes), unfixed
}

// remediation is the sentence that fixes the whole group.
func (g *vulnGroup) remediation() string {
	fix, unfixed := g.fixAll()
	v := g.vuln()
	if fix == "" {
		return "No fixed version is published; record why it does not affect you in a VEX document, or replace " + v.Package + "."
	}
	s := fmt.Sprintf("Upgrade %s to %s or later", v.Package, fix)
	if v.Ecosystem == "Go" && (v.Package == "stdlib" || v.Package == "toolchain") {
		s = fmt.Sprintf("Build with Go %s or later", strings.TrimPrefix(fix, "v"))
	}
	if unfixed > 0 {
		return fmt.Sprintf("%s; %d of the advisories have no fix.", s, unfixed)
	}
	return s + "."
}

// highestVersion returns the highest of versions in the ecosystem's order,
// falling back to semantic versioning and then to the last given when a
// version does not parse.
func highestVersion(eco string, versions []string) string {
	best := ""
	var bestV semantic.Version
	for _, s := range versions {
		v, err := parseVersion(eco, s)
		if err != nil {
			if best == "" {
				best = s
			}
			continue
		}
		if bestV == nil {
			best, bestV = s, v
			continue
		}
		if c, err := v.Compare(bestV); err == nil && c > 0 {
			best, bestV = s, v
		}
	}
	return best
}

func parseVersion(eco, s string) (semantic.Version, error) {
	base, _, _ := strings.Cut(eco, ":")
	if base == "Go" {
		s = strings.TrimPrefix(s, "v")
	}
	v, err := semantic.Parse(s, base)
	if err != nil {
		return semantic.ParseSemverVersion(strings.TrimPrefix(s, "v")), nil
	}
	return v, nil
}

// bestPriority is the most urgent priority of the group ("P1" first) and
// its reason.
func (g *vulnGroup) bestPriority(r *Report) (string, string) {
	best, reason := "", ""
	for _, f := range g.findings {
		p, why := priorityOf(r, f)
		if p != "" && (best == "" || cmp.Compare(p, best) < 0) {
			best, reason = p, why
		}
	}
	return best, reason
}

// anyNew reports whether a finding of the group is new since the baseline.
func (g *vulnGroup) anyNew(r *Report) bool {
	for _, f := range g.findings {
		if baselineOf(r, f) == "new" {
			return true
		}
	}
	return false
}
