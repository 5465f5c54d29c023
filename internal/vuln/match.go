// Package vuln matches packages against OSV records: per-ecosystem version
// semantics (osv-scalibr's semantic package), OSV ranges and version lists,
// withdrawn records, alias merging, the nearest fixed version and severity
// from CVSS vectors. It also holds the code-layer scanner that turns matches
// into findings, with VEX suppression and Go call reachability.
//
// Matching does not care where packages came from: lockfiles, an SBOM or a
// container image's package database all give []inventory.Package.
package vuln

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/osv-scalibr/semantic"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// Source looks up the OSV records that name a package. *vulndb.DB is one.
type Source interface {
	Lookup(ecosystem, name string) ([]*vulndb.Record, error)
}

// Vulnerability is one vulnerability of one package: the records that are
// aliases of each other merged into one.
type Vulnerability struct {
	// Package is the affected package.
	Package inventory.Package
	// ID is the primary OSV ID (GO-, GHSA-, PYSEC-, RUSTSEC-, ...).
	ID string
	// Aliases are the other IDs of the same vulnerability (CVE, GHSA, ...),
	// sorted.
	Aliases []string
	// Summary is a one-line description.
	Summary string
	// Severity is the advisory's own (base) severity: from the worst CVSS
	// v3/v4 base score of its records or its aliases' records, else a CVSS
	// v2 score, else the database's own rating; SeverityUnknown when none
	// gives one. The severity a finding carries is [Effective]'s.
	Severity finding.Severity
	// Score is the CVSS base score behind Severity, zero when none.
	Score float64
	// Vector is the CVSS vector behind Score.
	Vector string
	// SeveritySource says where Severity comes from (see [Rating.Source]).
	SeveritySource string
	// FixedVersion is the nearest version above the installed one that
	// fixes it; empty when no fix is known.
	FixedVersion string
	// Reachability says whether Go code calls the vulnerable symbols; empty
	// when it was not analysed.
	Reachability Reachability
	// CallPath, when Reachability is called, runs from the module's own
	// code to the vulnerable function.
	CallPath []string
	// Records are the merged OSV records, primary first.
	Records []*vulndb.Record
}

// IDs returns the primary ID followed by the aliases.
func (v Vulnerability) IDs() []string { return append([]string{v.ID}, v.Aliases...) }

// Matcher matches packages against a Source. It is safe for concurrent use.
type Matcher struct {
	src Source
	// get fetches alias records for rating, when src can.
	get RecordGetter
	// versions caches parsed versions: records repeat the same range
	// events for every package version matched against them.
	versions sync.Map // versionKey → parsed
}

type versionKey struct{ rangeType, eco, raw string }

type parsed struct {
	v   semantic.Version
	err error
}

// NewMatcher returns a matcher reading records from src.
func NewMatcher(src Source) *Matcher {
	m := &Matcher{src: src}
	if g, ok := src.(RecordGetter); ok {
		m.get = g
	}
	return m
}

// parse parses a version for a range type and ecosystem through the cache.
func (m *Matcher) parse(rangeType, eco, raw string) (semantic.Version, error) {
	k := versionKey{rangeType, eco, raw}
	if p, ok := m.versions.Load(k); ok {
		return p.(parsed).v, p.(parsed).err
	}
	parse := parser(rangeType, eco)
	if parse == nil {
		return nil, errUnsupported
	}
	v, err := parse(raw)
	m.versions.Store(k, parsed{v, err})
	return v, err
}

var errUnsupported = errors.New("unsupported range type or ecosystem")

// parseFunc parses a version of a range type in an ecosystem.
type parseFunc func(rangeType, eco, raw string) (semantic.Version, error)

// Match returns the vulnerabilities of every package, sorted by package
// location, package and ID. Packages without a name, version or known
// ecosystem are not matched.
func (m *Matcher) Match(ctx context.Context, pkgs []inventory.Package) ([]Vulnerability, error) {
	// Packages are matched in parallel (records decode once, into the
	// database's cache); the results are sorted below, so the order of the
	// work does not show.
	per := make([][]Vulnerability, len(pkgs))
	errs := make([]error, len(pkgs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(pkgs), 1)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(pkgs) || ctx.Err() != nil {
					return
				}
				per[i], errs[i] = m.matchOne(pkgs[i])
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err // the first, in package order
		}
	}
	var found []*Vulnerability
	for _, vs := range per {
		for i := range vs {
			found = append(found, &vs[i])
		}
	}
	// Sort pointers, not the large structs, then copy once.
	slices.SortStableFunc(found, func(a, b *Vulnerability) int {
		return cmp.Or(
			cmp.Compare(a.Package.Location.Path, b.Package.Location.Path),
			cmp.Compare(a.Package.Location.Line, b.Package.Location.Line),
			cmp.Compare(a.Package.Name, b.Package.Name),
			cmp.Compare(a.Package.Version, b.Package.Version),
			cmp.Compare(a.ID, b.ID),
		)
	})
	out := make([]Vulnerability, len(found))
	for i, v := range found {
		out[i] = *v
	}
	return out, nil
}

func (m *Matcher) matchOne(p inventory.Package) ([]Vulnerability, error) {
	if p.Name == "" || p.Version == "" || p.Ecosystem == "" {
		return nil, nil
	}
	recs, err := m.src.Lookup(p.Ecosystem, p.Name)
	if err != nil {
		return nil, fmt.Errorf("matching %s: %w", p, err)
	}
	var hits []hit
	for _, r := range recs {
		if r.IsWithdrawn() {
			continue
		}
		if ok, fixed := affects(r, p, m.parse); ok {
			hits = append(hits, hit{rec: r, fixed: fixed})
		}
	}
	vs := merge(p, hits, m.parse)
	for i := range vs {
		rt := rate(&vs[i], m.get)
		vs[i].Severity, vs[i].Score, vs[i].Vector, vs[i].SeveritySource = rt.Severity, rt.Score, rt.Vector, rt.Source
	}
	return vs, nil
}

type hit struct {
	rec   *vulndb.Record
	fixed string
}

func affects(r *vulndb.Record, p inventory.Package, parse parseFunc) (bool, string) {
	affected := false
	var fixes []string
	for _, a := range r.Affected {
		if !samePackage(a.Package, p) {
			continue
		}
		if slices.ContainsFunc(a.Versions, func(v string) bool { return sameVersion(p.Ecosystem, v, p.Version) }) {
			affected = true
		}
		for _, rg := range a.Ranges {
			ok, fixed := inRange(rg, p.Ecosystem, p.Version, parse)
			if ok {
				affected = true
				if fixed != "" {
					fixes = append(fixes, fixed)
				}
			}
		}
	}
	if !affected {
		return false, ""
	}
	return true, lowest(p.Ecosystem, fixes, parse)
}

// samePackage reports whether an affected entry names package p: the same
// ecosystem, its base ("Debian" for "Debian:12") or a longer form of it
// ("Ubuntu:22.04:LTS" for "Ubuntu:22.04"), and the same normalized name.
func samePackage(a vulndb.Package, p inventory.Package) bool {
	if a.Ecosystem != p.Ecosystem && a.Ecosystem != vulndb.BaseEcosystem(p.Ecosystem) && !strings.HasPrefix(a.Ecosystem, p.Ecosystem+":") {
		return false
	}
	return vulndb.NormalizeName(a.Ecosystem, a.Name) == vulndb.NormalizeName(a.Ecosystem, p.Name)
}

func sameVersion(eco, a, b string) bool {
	if a == b {
		return true
	}
	if vulndb.BaseEcosystem(eco) == "Go" {
		return strings.TrimPrefix(a, "v") == strings.TrimPrefix(b, "v")
	}
	return false
}

// parser returns how to parse versions of a range type in an ecosystem, or
// nil when they cannot be compared.
func parser(rangeType, eco string) func(string) (semantic.Version, error) {
	switch rangeType {
	case "SEMVER":
		return func(s string) (semantic.Version, error) {
			return semantic.ParseSemverVersion(strings.TrimPrefix(s, "v")), nil
		}
	case "ECOSYSTEM":
		if _, err := semantic.Parse("0", eco); err != nil && strings.Contains(err.Error(), semantic.ErrUnsupportedEcosystem.Error()) {
			return nil
		}
		trim := vulndb.BaseEcosystem(eco) == "Go"
		return func(s string) (semantic.Version, error) {
			if trim {
				s = strings.TrimPrefix(s, "v")
			}
			return semantic.Parse(s, eco)
		}
	}
	return nil // GIT ranges are out of scope
}

type event struct {
	kind string // introduced, fixed, last_affected, limit
	raw  string
	v    semantic.Version // nil for introduced "0"
}

// inRange evaluates one OSV range for a version, following the OSV
// evaluation rules: events sorted by version, introduced opens, fixed and
// limit close (exclusive), last_affected closes (inclusive).
func inRange(rg vulndb.Range, eco, version string, parse parseFunc) (bool, string) {
	v, err := parse(rg.Type, eco, version)
	if err != nil {
		return false, ""
	}
	events := parseEvents(rg, eco, parse)

	affected := false
	fixed := ""
	for _, e := range events {
		switch e.kind {
		case "introduced":
			if e.v == nil || versionCmp(v, e.v) >= 0 {
				affected = true
				fixed = ""
			}
		case "fixed":
			switch c := versionCmp(v, e.v); {
			case c >= 0:
				affected = false
			case affected && fixed == "":
				fixed = e.raw
			}
		case "last_affected":
			if versionCmp(v, e.v) > 0 {
				affected = false
			}
		case "limit":
			if e.v != nil && versionCmp(v, e.v) >= 0 {
				affected = false
			}
		}
	}
	if !affected {
		return false, ""
	}
	return true, fixed
}

// parseEvents returns a range's events with their versions parsed, in
// version order ("introduced: 0" first, "limit: *" last). Events whose
// version does not parse are left out.
func parseEvents(rg vulndb.Range, eco string, parse parseFunc) []event {
	events := make([]event, 0, len(rg.Events))
	for _, e := range rg.Events {
		var ev event
		switch {
		case e.Introduced != "":
			ev = event{kind: "introduced", raw: e.Introduced}
		case e.Fixed != "":
			ev = event{kind: "fixed", raw: e.Fixed}
		case e.LastAffected != "":
			ev = event{kind: "last_affected", raw: e.LastAffected}
		case e.Limit != "":
			ev = event{kind: "limit", raw: e.Limit}
		default:
			continue
		}
		if !(ev.kind == "introduced" && ev.raw == "0") && !(ev.kind == "limit" && ev.raw == "*") {
			pv, err := parse(rg.Type, eco, ev.raw)
			if err != nil {
				continue
			}
			ev.v = pv
		}
		events = append(events, ev)
	}
	slices.SortStableFunc(events, compareEvents)
	return events
}

func versionCmp(a, b semantic.Version) int {
	c, err := a.Compare(b)
	if err != nil {
		return 0
	}
	return c
}

// compareEvents orders events by version; "introduced: 0" first and
// "limit: *" last.
func compareEvents(a, b event) int {
	switch {
	case a.v == nil && b.v == nil:
		return 0
	case a.v == nil:
		if a.kind == "limit" {
			return 1
		}
		return -1
	case b.v == nil:
		if b.kind == "limit" {
			return -1
		}
		return 1
	}
	return versionCmp(a.v, b.v)
}

// lowest returns the lowest of versions in the ecosystem's order.
func lowest(eco string, versions []string, parse parseFunc) string {
	if len(versions) < 2 {
		return strings.Join(versions, "")
	}
	typ := "ECOSYSTEM"
	if parser(typ, eco) == nil {
		typ = "SEMVER"
	}
	best := ""
	var bestV semantic.Version
	for _, s := range versions {
		v, err := parse(typ, eco, s)
		if err != nil {
			continue
		}
		if bestV == nil || versionCmp(v, bestV) < 0 {
			best, bestV = s, v
		}
	}
	return best
}

// merge folds the hits that are aliases of each other into one
// Vulnerability each.
func merge(p inventory.Package, hits []hit, parse parseFunc) []Vulnerability {
	// Union-find over record IDs and their aliases.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		r := find(parent[x])
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[ra] = rb
		}
	}
	for _, h := range hits {
		find(h.rec.ID)
		for _, a := range h.rec.Aliases {
			union(h.rec.ID, a)
		}
	}
	groups := map[string][]hit{}
	var roots []string
	for _, h := range hits {
		r := find(h.rec.ID)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], h)
	}
	out := make([]Vulnerability, 0, len(roots))
	for _, r := range roots {
		out = append(out, newVulnerability(p, groups[r], parse))
	}
	return out
}

func newVulnerability(p inventory.Package, hits []hit, parse parseFunc) Vulnerability {
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(idRank(a.rec.ID), idRank(b.rec.ID)), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	v := Vulnerability{Package: p, ID: hits[0].rec.ID}
	ids := map[string]bool{}
	var fixes []string
	for _, h := range hits {
		v.Records = append(v.Records, h.rec)
		ids[h.rec.ID] = true
		for _, a := range h.rec.Aliases {
			ids[a] = true
		}
		if v.Summary == "" {
			v.Summary = h.rec.Summary
		}
		if h.fixed != "" {
			fixes = append(fixes, h.fixed)
		}
	}
	delete(ids, v.ID)
	for id := range ids {
		v.Aliases = append(v.Aliases, id)
	}
	slices.SortFunc(v.Aliases, func(a, b string) int {
		return cmp.Or(cmp.Compare(aliasRank(a), aliasRank(b)), cmp.Compare(a, b))
	})
	v.FixedVersion = lowest(p.Ecosystem, fixes, parse)
	return v
}

// idRank orders candidate primary IDs: ecosystem databases first, then
// GitHub advisories, then anything else, CVE last.
func idRank(id string) int {
	for i, prefix := range []string{"GO-", "RUSTSEC-", "PYSEC-", "GHSA-"} {
		if strings.HasPrefix(id, prefix) {
			return i
		}
	}
	if strings.HasPrefix(id, "CVE-") {
		return 6
	}
	return 5
}

// aliasRank puts CVE IDs first among aliases: they are what people search.
func aliasRank(id string) int {
	if strings.HasPrefix(id, "CVE-") {
		return 0
	}
	return 1
}
