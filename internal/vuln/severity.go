package vuln

import (
	"encoding/json"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// RecordSeverity rates a record for a package: the worst CVSS base score of
// the vectors in the record (its own severity list and that of the matching
// affected entry), computed from the vector, else the database's qualitative
// rating (database_specific.severity, as GitHub advisories give it). It
// returns SeverityUnknown when the record gives neither.
func RecordSeverity(r *vulndb.Record, p inventory.Package) (finding.Severity, float64, string) {
	sevs := append([]vulndb.Severity(nil), r.Severity...)
	var specific []json.RawMessage
	for _, a := range r.Affected {
		if samePackage(a.Package, p) {
			sevs = append(sevs, a.Severity...)
			specific = append(specific, a.DatabaseSpecific, a.EcosystemSpecific)
		}
	}
	best, bestScore, bestVector := finding.SeverityUnknown, 0.0, ""
	for _, s := range sevs {
		score, ok := CVSSBaseScore(s.Type, s.Score)
		if !ok {
			continue
		}
		sev := cvssSeverity(s.Type, score)
		if sev > best || (sev == best && score > bestScore) {
			best, bestScore, bestVector = sev, score, s.Score
		}
	}
	if best != finding.SeverityUnknown {
		return best, bestScore, bestVector
	}
	for _, raw := range append([]json.RawMessage{r.DatabaseSpecific}, specific...) {
		if sev := qualitative(raw); sev > best {
			best = sev
		}
	}
	return best, 0, ""
}

// CVSSBaseScore computes the base score of a CVSS vector of an OSV severity
// type (CVSS_V2, CVSS_V3, CVSS_V4).
func CVSSBaseScore(typ, vector string) (float64, bool) {
	switch typ {
	case "CVSS_V2":
		c, err := cvss20.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case "CVSS_V3":
		if strings.HasPrefix(vector, "CVSS:3.0/") {
			c, err := cvss30.ParseVector(vector)
			if err != nil {
				return 0, false
			}
			return c.BaseScore(), true
		}
		c, err := cvss31.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case "CVSS_V4":
		c, err := cvss40.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.Score(), true
	}
	return 0, false
}

// cvssSeverity maps a base score to a rating: the CVSS v3/v4 qualitative
// scale, or the NVD v2 scale (which has no Critical).
func cvssSeverity(typ string, score float64) finding.Severity {
	if typ == "CVSS_V2" {
		switch {
		case score >= 7:
			return finding.SeverityHigh
		case score >= 4:
			return finding.SeverityMedium
		default:
			return finding.SeverityLow
		}
	}
	switch {
	case score >= 9:
		return finding.SeverityCritical
	case score >= 7:
		return finding.SeverityHigh
	case score >= 4:
		return finding.SeverityMedium
	case score > 0:
		return finding.SeverityLow
	default:
		return finding.SeverityInfo
	}
}

// qualitative reads a "severity" word from a database_specific or
// ecosystem_specific object.
func qualitative(raw json.RawMessage) finding.Severity {
	if len(raw) == 0 {
		return finding.SeverityUnknown
	}
	var v struct {
		Severity json.RawMessage `json:"severity"`
	}
	if json.Unmarshal(raw, &v) != nil || len(v.Severity) == 0 {
		return finding.SeverityUnknown
	}
	var word string
	if json.Unmarshal(v.Severity, &word) != nil {
		return finding.SeverityUnknown
	}
	switch strings.ToUpper(strings.TrimSpace(word)) {
	case "CRITICAL":
		return finding.SeverityCritical
	case "HIGH", "IMPORTANT":
		return finding.SeverityHigh
	case "MODERATE", "MEDIUM":
		return finding.SeverityMedium
	case "LOW", "NEGLIGIBLE", "UNIMPORTANT":
		return finding.SeverityLow
	}
	return finding.SeverityUnknown
}
