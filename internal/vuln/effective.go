package vuln

import (
	"fmt"
	"slices"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Effective is fourc's one rule for the severity of a vulnerability
// finding, the severity every gate (--fail-on, --severity, --fail-on-new),
// priority, score and format reads. It starts from the advisory's own
// (base) severity and applies, in order:
//
//  1. Reachability "called" (a vulnerable function is called): an UNKNOWN
//     base is taken as HIGH (Go's advisories carry no CVSS score, so most
//     are UNKNOWN; code that calls the vulnerable function is as exposed as
//     a rated HIGH). A rated base is kept.
//  2. Reachability "imported" or "required" (analysis proved no vulnerable
//     function is called): the base is lowered one step (CRITICAL to HIGH,
//     HIGH to MEDIUM, MEDIUM to LOW), and an UNKNOWN base is taken as LOW.
//     LOW and INFO stay.
//  3. Reachability not analysed (not a Go module, analysis failed, images,
//     SBOMs): the base is kept.
//
// Fix availability never moves the severity: a vulnerability without a fix
// is as dangerous as one with a fix, and a gate that waved unfixable ones
// through would hide the worst. It is reported beside it (fixed_versions)
// and named in the reason.
func Effective(base finding.Severity, reach string, fixAvailable bool) (finding.Severity, string) {
	sev, why := base, ""
	switch reach {
	case finding.ReachCalled:
		if base == finding.SeverityUnknown {
			sev = finding.SeverityHigh
			why = "UNKNOWN (the advisory has no CVSS score or rating), taken as HIGH because the vulnerable code is called"
		} else {
			why = base.String() + " as rated; the vulnerable code is called"
		}
	case finding.ReachImported, finding.ReachRequired:
		switch base {
		case finding.SeverityCritical, finding.SeverityHigh, finding.SeverityMedium:
			sev = base - 1
		case finding.SeverityUnknown:
			sev = finding.SeverityLow
		}
		verb := "the vulnerable package is imported but no vulnerable function is called"
		if reach == finding.ReachRequired {
			verb = "the module is required but no vulnerable package is imported"
		}
		if sev != base {
			why = fmt.Sprintf("%s lowered to %s because %s", base, sev, verb)
		} else {
			why = fmt.Sprintf("%s as rated; %s", base, verb)
		}
	default:
		if base == finding.SeverityUnknown {
			why = "UNKNOWN: the advisory has no CVSS score or rating and reachability was not analysed"
		} else {
			why = base.String() + " as rated; reachability not analysed"
		}
	}
	if !fixAvailable {
		why += "; no fix is published"
	}
	return sev, why
}

// reachLevel maps the scanner's reachability to the finding's level.
func reachLevel(r Reachability) string {
	switch r {
	case ReachabilityCalled:
		return finding.ReachCalled
	case ReachabilityImported:
		return finding.ReachImported
	case ReachabilityRequired:
		return finding.ReachRequired
	}
	return finding.ReachNotAnalysed
}

// Describe returns the structured form of v that findings carry, with its
// effective severity computed by [Effective].
func Describe(v Vulnerability) *finding.Vulnerability {
	d := &finding.Vulnerability{
		ID:               v.ID,
		Aliases:          slices.Clone(v.Aliases),
		Summary:          v.Summary,
		Ecosystem:        v.Package.Ecosystem,
		Package:          v.Package.Name,
		InstalledVersion: displayVersion(v.Package.Ecosystem, v.Package.Version),
		FixedVersions:    []string{},
		BaseSeverity:     v.Severity,
		SeveritySource:   v.SeveritySource,
		Reachability:     finding.Reachability{Level: reachLevel(v.Reachability), CallPath: slices.Clone(v.CallPath)},
	}
	if d.SeveritySource == "" {
		d.SeveritySource = "none"
	}
	if v.FixedVersion != "" {
		d.FixedVersions = []string{displayVersion(v.Package.Ecosystem, v.FixedVersion)}
	}
	if v.Vector != "" {
		d.CVSS = &finding.CVSS{Vector: v.Vector, Score: v.Score}
	}
	d.EffectiveSeverity, d.SeverityReason = Effective(v.Severity, d.Reachability.Level, v.FixedVersion != "")
	return d
}

// Apply attaches v to a finding about it and sets the finding's severity
// to the effective one. Every command that reports a vulnerability (scan,
// image, sbom scan) goes through it, so all agree.
func Apply(f *finding.Finding, v Vulnerability) {
	f.Vulnerability = Describe(v)
	f.Severity = f.Vulnerability.EffectiveSeverity
}
