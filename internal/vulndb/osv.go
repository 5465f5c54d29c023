// Package vulndb is fourc's local vulnerability database: OSV records kept in
// an embedded bbolt store, indexed by ecosystem and package name. It is built
// from OSV's per-ecosystem all.zip exports ([Update]) or from local OSV files
// ([Import]), always into a temporary file that is verified and then renamed
// over the previous database, so a failed build never leaves it unusable.
package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Record is one OSV vulnerability record (https://ossf.github.io/osv-schema/),
// restricted to the fields fourc reads. The store keeps the full original
// JSON; [DB.Raw] returns it.
type Record struct {
	SchemaVersion    string          `json:"schema_version,omitempty"`
	ID               string          `json:"id"`
	Modified         string          `json:"modified,omitempty"`
	Published        string          `json:"published,omitempty"`
	Withdrawn        string          `json:"withdrawn,omitempty"`
	Aliases          []string        `json:"aliases,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Upstream         []string        `json:"upstream,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is one OSV severity entry: a scoring system and its vector or
// qualitative score.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected names one affected package and the versions that are affected.
type Affected struct {
	Package           Package         `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Package identifies a package inside an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is one OSV range: an ordered list of events in one versioning scheme.
type Range struct {
	// Type is SEMVER, ECOSYSTEM or GIT.
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link to more information.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// idPattern bounds record IDs: they are store keys and file names on export.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// maxRecordSize caps one OSV record; real ones are a few kilobytes.
const maxRecordSize = 16 << 20

// ParseRecord decodes and validates one OSV record. It returns the record and
// its compacted JSON, which is what the store keeps.
func ParseRecord(data []byte) (*Record, []byte, error) {
	if len(data) > maxRecordSize {
		return nil, nil, fmt.Errorf("record is %d bytes, over the %d limit", len(data), maxRecordSize)
	}
	var r Record
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, nil, fmt.Errorf("decoding OSV record: %w", err)
	}
	if dec.More() {
		return nil, nil, errors.New("decoding OSV record: trailing data after the JSON object")
	}
	if !idPattern.MatchString(r.ID) {
		return nil, nil, fmt.Errorf("OSV record has an invalid id %q", r.ID)
	}
	for i, a := range r.Affected {
		if a.Package.Ecosystem == "" && a.Package.Name == "" && a.Package.PURL == "" {
			continue // GIT-only records name no package
		}
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			return nil, nil, fmt.Errorf("OSV record %s: affected[%d] names no ecosystem or package", r.ID, i)
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, nil, fmt.Errorf("compacting OSV record %s: %w", r.ID, err)
	}
	return &r, buf.Bytes(), nil
}

// IsWithdrawn reports whether the record was withdrawn by its source.
func (r *Record) IsWithdrawn() bool { return r.Withdrawn != "" }

// BaseEcosystem strips an ecosystem's release suffix: "Debian:12" is
// "Debian", "Alpine:v3.20" is "Alpine".
func BaseEcosystem(eco string) string {
	base, _, _ := strings.Cut(eco, ":")
	return base
}

// NormalizeName returns the form of a package name used in the index. Most
// ecosystems compare names exactly; PyPI compares them case-insensitively
// with runs of "-", "_" and "." equivalent (PEP 503), and Packagist,
// crates.io and NuGet names are case-insensitive.
func NormalizeName(ecosystem, name string) string {
	switch BaseEcosystem(ecosystem) {
	case "PyPI":
		var b strings.Builder
		sep := false
		for _, c := range strings.ToLower(name) {
			if c == '-' || c == '_' || c == '.' {
				sep = true
				continue
			}
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(c)
		}
		return b.String()
	case "Packagist", "crates.io", "NuGet":
		return strings.ToLower(name)
	}
	return name
}

// indexKey is the key of the (ecosystem, package) index.
func indexKey(ecosystem, name string) string {
	return ecosystem + "\x00" + NormalizeName(ecosystem, name)
}

// indexKeys lists the index keys of a record, without duplicates.
func (r *Record) indexKeys() []string {
	var keys []string
	seen := map[string]bool{}
	for _, a := range r.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			continue
		}
		k := indexKey(a.Package.Ecosystem, a.Package.Name)
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	// The other IDs this record is known by (its aliases, and the upstream
	// CVEs a distribution's record is about), so that the records of other
	// ecosystems about the same vulnerability can be found: see
	// [DB.ByAlias].
	for _, a := range slices.Concat(r.Aliases, r.Upstream) {
		if k := aliasKey(a); a != "" && a != r.ID && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// aliasPrefix marks alias keys in the index; no ecosystem name starts with
// a control character.
const aliasPrefix = "\x01alias"

func aliasKey(id string) string { return aliasPrefix + "\x00" + id }

// isAliasKey reports whether an index key is an alias key.
func isAliasKey(k string) bool { return strings.HasPrefix(k, aliasPrefix+"\x00") }
