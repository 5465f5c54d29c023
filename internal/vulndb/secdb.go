package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"go.yaml.in/yaml/v3"
)

// Alpine's security database ("secdb", https://secdb.alpinelinux.org, the
// same shape for Wolfi and Chainguard) lists, per release and repository,
// each package's fixed versions and the vulnerabilities each fixes:
//
//	{"distroversion": "v3.11", "reponame": "main", "packages": [
//	  {"pkg": {"name": "ansible", "secfixes": {"2.9.3-r0": ["CVE-2019-14904"]}}}]}
//
// Alpine serves it as JSON; its source repository keeps the same data as
// YAML. Both are imported as OSV records: one per release and
// vulnerability, each package affected from the start up to the fixed
// version. A fixed version of "0" means the package was never affected;
// an entry whose fixed version is not an apk version is skipped.

// maxSecDBSize caps one secdb file; Alpine's largest are a few megabytes.
const maxSecDBSize = 64 << 20

// secDB is one secdb file.
type secDB struct {
	DistroVersion string `json:"distroversion" yaml:"distroversion"`
	RepoName      string `json:"reponame" yaml:"reponame"`
	URLPrefix     string `json:"urlprefix" yaml:"urlprefix"`
	Packages      []struct {
		Pkg struct {
			Name     string              `json:"name" yaml:"name"`
			Secfixes map[string][]string `json:"secfixes" yaml:"secfixes"`
		} `json:"pkg" yaml:"pkg"`
	} `json:"packages" yaml:"packages"`
}

var (
	// releasePattern is an Alpine release as secdb names it.
	releasePattern = regexp.MustCompile(`^v?[0-9]{1,3}\.[0-9]{1,3}$`)
	// apkVersionPattern is an apk package version: numbers, an optional
	// letter, suffixes (_rc1, _p2), a commit hash and a release (-r3).
	apkVersionPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(~[0-9a-f]+)?(-r[0-9]+)?$`)
	// vulnIDPattern is one vulnerability identifier in a secfixes entry
	// (CVE-2019-14904, XSA-214, GHSA-xxxx-xxxx-xxxx).
	vulnIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,15}-[A-Za-z0-9-]{1,64}$`)
)

// looksLikeSecDB reports whether a JSON document is a secdb file rather
// than an OSV record: it has a "packages" list and no "id".
func looksLikeSecDB(data []byte) bool {
	var probe struct {
		ID       *json.RawMessage `json:"id"`
		Packages *json.RawMessage `json:"packages"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	return probe.ID == nil && probe.Packages != nil
}

// secDBSet gathers the fixes of several secdb files (a release's main and
// community repositories name the same vulnerabilities) into records.
type secDBSet struct {
	// fixes[ecosystem][primary id] lists the fixes and every identifier.
	fixes map[string]map[string]*secVuln
	files int
	// badVersions counts entries skipped for a fixed version that is not
	// an apk version.
	badVersions int
}

type secVuln struct {
	ids   map[string]bool
	fixes map[string]string // package → lowest fixed version
}

func newSecDBSet() *secDBSet { return &secDBSet{fixes: map[string]map[string]*secVuln{}} }

// add parses one secdb file, JSON or (yaml true) YAML, into the set.
func (s *secDBSet) add(data []byte, isYAML bool) error {
	if len(data) > maxSecDBSize {
		return fmt.Errorf("secdb file is %d bytes, over the %d limit", len(data), maxSecDBSize)
	}
	var db secDB
	var err error
	if isYAML {
		err = yaml.Unmarshal(data, &db)
	} else {
		dec := json.NewDecoder(bytes.NewReader(data))
		if err = dec.Decode(&db); err == nil && dec.More() {
			err = errors.New("trailing data after the JSON object")
		}
	}
	if err != nil {
		return fmt.Errorf("decoding secdb: %w", err)
	}
	eco, err := secDBEcosystem(db)
	if err != nil {
		return err
	}
	for i, p := range db.Packages {
		name := p.Pkg.Name
		if name == "" || len(name) > 256 || strings.ContainsAny(name, " \t\r\n\x00") {
			return fmt.Errorf("secdb %s: package %d has an invalid name %q", eco, i, name)
		}
		for fixed, entries := range p.Pkg.Secfixes {
			if fixed == "0" {
				continue // not affected, in any version
			}
			if !apkVersionPattern.MatchString(fixed) || len(fixed) > 128 {
				s.badVersions++ // real files hold typos ("4.8.0.-r1"): skip the entry, keep the file
				continue
			}
			for _, e := range entries {
				ids := strings.Fields(e)
				ids = slices.DeleteFunc(ids, func(id string) bool { return !vulnIDPattern.MatchString(id) })
				if len(ids) == 0 {
					continue // a comment or an empty entry
				}
				s.record(eco, name, fixed, ids)
			}
		}
	}
	s.files++
	return nil
}

// secDBEcosystem names the OSV ecosystem of a secdb file.
func secDBEcosystem(db secDB) (string, error) {
	switch {
	case db.DistroVersion == "" && strings.Contains(db.URLPrefix, "wolfi.dev"):
		return "Wolfi", nil
	case db.DistroVersion == "" && strings.Contains(db.URLPrefix, "chainguard.dev"):
		return "Chainguard", nil
	case releasePattern.MatchString(db.DistroVersion):
		return "Alpine:v" + strings.TrimPrefix(db.DistroVersion, "v"), nil
	}
	return "", fmt.Errorf("secdb names no known release (distroversion %q)", db.DistroVersion)
}

// record notes that fixed fixes the vulnerability known as ids in package
// name of ecosystem eco.
func (s *secDBSet) record(eco, name, fixed string, ids []string) {
	primary := ids[0]
	for _, id := range ids {
		if strings.HasPrefix(id, "CVE-") {
			primary = id
			break
		}
	}
	byID := s.fixes[eco]
	if byID == nil {
		byID = map[string]*secVuln{}
		s.fixes[eco] = byID
	}
	v := byID[primary]
	if v == nil {
		v = &secVuln{ids: map[string]bool{}, fixes: map[string]string{}}
		byID[primary] = v
	}
	for _, id := range ids {
		v.ids[id] = true
	}
	if old, ok := v.fixes[name]; !ok || alpineLess(fixed, old) {
		v.fixes[name] = fixed
	}
}

func alpineLess(a, b string) bool {
	va, err := semantic.ParseAlpineVersion(a)
	if err != nil {
		return false
	}
	c, err := va.CompareStr(b)
	return err == nil && c < 0
}

// records returns the OSV records of the set, sorted by ID: one per
// ecosystem and vulnerability, with the vulnerability's identifiers as
// aliases.
func (s *secDBSet) records() [][]byte {
	var out [][]byte
	for _, eco := range slices.Sorted(maps.Keys(s.fixes)) {
		prefix := "ALPINE-"
		release := strings.TrimPrefix(eco, "Alpine:")
		switch eco {
		case "Wolfi", "Chainguard":
			prefix, release = strings.ToUpper(eco)+"-", ""
		}
		byID := s.fixes[eco]
		for _, primary := range slices.Sorted(maps.Keys(byID)) {
			v := byID[primary]
			id := prefix + primary
			if release != "" {
				id = prefix + release + "-" + primary
			}
			r := Record{
				SchemaVersion: "1.6.0",
				ID:            id,
				Aliases:       slices.Sorted(maps.Keys(v.ids)),
				Summary:       fmt.Sprintf("%s fixed in %s", primary, eco),
			}
			for _, name := range slices.Sorted(maps.Keys(v.fixes)) {
				r.Affected = append(r.Affected, Affected{
					Package: Package{Ecosystem: eco, Name: name},
					Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{
						{Introduced: "0"}, {Fixed: v.fixes[name]},
					}}},
				})
			}
			data, err := json.Marshal(r)
			if err != nil {
				continue // cannot happen: strings and slices only
			}
			out = append(out, data)
		}
	}
	return out
}
