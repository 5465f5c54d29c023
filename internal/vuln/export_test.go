package vuln

import (
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
	"github.com/google/osv-scalibr/semantic"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

// Affects reports whether record r affects package p, and the nearest fixed
// version above p's version when r names one.
func Affects(r *vulndb.Record, p inventory.Package) (bool, string) {
	return affects(r, p, directParse)
}

// directParse parses without a cache.
func directParse(rangeType, eco, raw string) (semantic.Version, error) {
	parse := parser(rangeType, eco)
	if parse == nil {
		return nil, errUnsupported
	}
	return parse(raw)
}

// RecordSeverity rates a record for a package: the worst CVSS base score of
// the vectors in the record (its own severity list and that of the matching
// affected entry), computed from the vector, else the database's qualitative
// rating (database_specific.severity, as GitHub advisories give it, or a
// Debian-style urgency). It returns SeverityUnknown when the record gives
// neither.
func RecordSeverity(r *vulndb.Record, p inventory.Package) (finding.Severity, float64, string) {
	rt := rateRecord(r, func(a vulndb.Affected) bool { return samePackage(a.Package, p) })
	return rt.Severity, rt.Score, rt.Vector
}
