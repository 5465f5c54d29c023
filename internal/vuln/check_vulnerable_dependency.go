package vuln

// FC-VULN-001 inspects one matched vulnerability of one package: the OSV
// record's ID and aliases, summary, the installed and nearest fixed version,
// severity (CVSS base score or the database's rating, UNKNOWN when the record
// has neither, then adjusted for reachability by [Effective]) and, for Go
// modules, govulncheck's reachability. Every match
// that no VEX statement suppresses is a violation; nothing is allowed.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// CheckVulnerableDependency is FC-VULN-001.
func CheckVulnerableDependency() check.Check[Vulnerability] {
	return check.Check[Vulnerability]{
		Meta: check.New(
			"FC-VULN-001",
			"Vulnerable dependency",
			finding.SeverityHigh,
			finding.LayerCode,
			"A package the code declares or ships is at a version that a published "+
				"vulnerability affects (OSV). A finding's severity is the effective one: the advisory's "+
				"CVSS score (its own or an alias's) or rating, UNKNOWN when it has none, raised to HIGH "+
				"when the vulnerable code is called and lowered one step when it is proven not called.",
			"Upgrade the package to the fixed version named in the finding, or record "+
				"why it does not affect you in a VEX document.",
			finding.Reference{Source: "CWE-1395", URL: "https://cwe.mitre.org/data/definitions/1395.html"},
			finding.Reference{Source: "OWASP Top 10 A06:2021", URL: "https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/"},
		),
		Eval: evalVulnerableDependency,
	}
}

func evalVulnerableDependency(v Vulnerability) []check.Violation {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is affected by %s", displayName(v), v.ID)
	if len(v.Aliases) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(v.Aliases, ", "))
	}
	if v.Summary != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSpace(v.Summary))
	}
	fmt.Fprintf(&b, "; installed %s", displayVersion(v.Package.Ecosystem, v.Package.Version))
	if v.FixedVersion != "" {
		fmt.Fprintf(&b, ", fixed in %s", displayVersion(v.Package.Ecosystem, v.FixedVersion))
	} else {
		b.WriteString(", no fixed version")
	}
	if v.Score > 0 {
		fmt.Fprintf(&b, "; CVSS %.1f", v.Score)
	}
	if v.Reachability != "" {
		fmt.Fprintf(&b, "; reachability: %s", v.Reachability)
	}
	return []check.Violation{{Message: b.String(), Line: v.Package.Location.Line, Discriminator: v.ID}}
}

// Checks is the catalogue of this package's checks.
func Checks() []check.Meta {
	return []check.Meta{CheckVulnerableDependency().Meta}
}

// displayName is "name@version" with Go's "v" on Go versions.
func displayName(v Vulnerability) string {
	if v.Package.Version == "" {
		return v.Package.Name
	}
	return v.Package.Name + "@" + displayVersion(v.Package.Ecosystem, v.Package.Version)
}

func displayVersion(eco, version string) string {
	if eco == "Go" && version != "" && !strings.HasPrefix(version, "v") {
		return "v" + version
	}
	return version
}
