package vuln

import (
	"encoding/json"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// Rating is an advisory's own severity and where it comes from.
type Rating struct {
	// Severity is the rating; SeverityUnknown when nothing rates it.
	Severity finding.Severity
	// Score and Vector are the CVSS base score and vector behind Severity;
	// zero and empty for a qualitative rating.
	Score  float64
	Vector string
	// Source is "cvss_v4", "cvss_v3", "cvss_v2", "rating" or "none", with
	// " of ID" appended when the record of an alias gave it.
	Source string
}

// class orders the kinds of rating: a CVSS v3 or v4 base score beats a
// CVSS v2 score, which beats a database's qualitative rating.
func (r Rating) class() int {
	switch {
	case strings.HasPrefix(r.Source, "cvss_v4"), strings.HasPrefix(r.Source, "cvss_v3"):
		return 3
	case strings.HasPrefix(r.Source, "cvss_v2"):
		return 2
	case strings.HasPrefix(r.Source, "rating"):
		return 1
	}
	return 0
}

// better reports whether r should replace o: a better class, or the same
// class and a worse severity or higher score.
func (r Rating) better(o Rating) bool {
	if r.class() != o.class() {
		return r.class() > o.class()
	}
	return r.Severity > o.Severity || (r.Severity == o.Severity && r.Score > o.Score)
}

// rateRecord rates one record, reading the affected entries that want
// accepts.
func rateRecord(r *vulndb.Record, want func(vulndb.Affected) bool) Rating {
	sevs := append([]vulndb.Severity(nil), r.Severity...)
	var specific []json.RawMessage
	for _, a := range r.Affected {
		if want(a) {
			sevs = append(sevs, a.Severity...)
			specific = append(specific, a.DatabaseSpecific, a.EcosystemSpecific)
		}
	}
	best := Rating{Source: "none"}
	for _, s := range sevs {
		score, ok := CVSSBaseScore(s.Type, s.Score)
		if !ok {
			continue
		}
		rt := Rating{Severity: cvssSeverity(s.Type, score), Score: score, Vector: s.Score, Source: strings.ToLower(s.Type)}
		if rt.better(best) {
			best = rt
		}
	}
	if best.class() > 0 {
		return best
	}
	for _, raw := range append([]json.RawMessage{r.DatabaseSpecific}, specific...) {
		if sev := qualitative(raw); sev > best.Severity {
			best = Rating{Severity: sev, Source: "rating"}
		}
	}
	return best
}

// RecordGetter fetches a record by ID; *vulndb.DB is one. The matcher uses
// it, when its Source has it, to rate an advisory through its aliases.
type RecordGetter interface {
	Get(id string) (*vulndb.Record, error)
	// ByAlias returns the records filed under other IDs that name id as
	// an alias or upstream.
	ByAlias(id string) ([]*vulndb.Record, error)
}

// rate rates a vulnerability from its merged records and, when they carry
// no CVSS v3 or v4 score, from the records of its aliases that the database
// holds (the GHSA or CVE of a Go advisory, filed for another ecosystem).
// A failed alias lookup leaves the rating as the own records give it.
func rate(v *Vulnerability, get RecordGetter) Rating {
	best := Rating{Source: "none"}
	seen := map[string]bool{}
	for _, r := range v.Records {
		seen[r.ID] = true
		if rt := rateRecord(r, func(a vulndb.Affected) bool { return samePackage(a.Package, v.Package) }); rt.better(best) {
			best = rt
		}
	}
	if best.class() == 3 || get == nil {
		return best
	}
	var others []*vulndb.Record
	for _, id := range v.IDs() {
		if !seen[id] {
			if r, err := get.Get(id); err == nil && r != nil {
				others = append(others, r)
			}
		}
		// Records of other ecosystems about the same vulnerability, filed
		// under their own IDs (a Debian record about the CVE).
		if rs, err := get.ByAlias(id); err == nil {
			others = append(others, rs...)
		}
	}
	for _, r := range others {
		if seen[r.ID] || r.IsWithdrawn() {
			continue
		}
		seen[r.ID] = true
		rt := rateRecord(r, func(vulndb.Affected) bool { return true })
		if rt.class() == 0 {
			continue
		}
		rt.Source += " of " + r.ID
		if rt.better(best) {
			best = rt
		}
	}
	return best
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

// qualitative reads a "severity" word (GitHub, Ubuntu) or an "urgency"
// (Debian) from a database_specific or ecosystem_specific object.
func qualitative(raw json.RawMessage) finding.Severity {
	if len(raw) == 0 {
		return finding.SeverityUnknown
	}
	var v struct {
		Severity json.RawMessage `json:"severity"`
		Urgency  json.RawMessage `json:"urgency"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return finding.SeverityUnknown
	}
	word := ""
	for _, w := range []json.RawMessage{v.Severity, v.Urgency} {
		if len(w) > 0 && json.Unmarshal(w, &word) == nil && word != "" {
			break
		}
	}
	// Debian urgencies carry a trailing "*" when set by the security team
	// without a tracker entry ("low*").
	switch strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(word), "*")) {
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
