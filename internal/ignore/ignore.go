// Package ignore applies the user's suppressions to findings: entries of an
// ignore file (YAML) and inline "fourc:ignore" comments in the scanned
// sources. Expired entries stop suppressing and are reported; entries that
// matched nothing are reported too, so ignore files do not rot.
package ignore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// DefaultFile is the ignore file looked up at the scan root when the user
// names none.
const DefaultFile = ".fourcignore.yaml"

// File is a parsed ignore file.
type File struct {
	// Name is where the file was read from, for messages.
	Name    string
	Entries []Entry
}

// Entry is one suppression. ID, Fingerprint or Package is required; Path
// and Resource narrow it.
type Entry struct {
	// ID is a check ID ("FC-K8S-010"), a glob over IDs ("FC-DF-*"), or the
	// ID of a vulnerability advisory or any of its aliases
	// ("CVE-2024-45338", "GHSA-w32m-9786-jp63", "GO-2024-3333"), which
	// matches the vulnerability findings of that advisory. Case is ignored
	// for advisory IDs.
	ID string `yaml:"id"`
	// Package is a glob over the name of a vulnerable package
	// ("golang.org/x/net", "golang.org/x/*"); it matches the vulnerability
	// findings of matching packages.
	Package string `yaml:"package"`
	// Fingerprint matches one finding exactly.
	Fingerprint string `yaml:"fingerprint"`
	// Path is a glob (path.Match syntax) over the finding's file path; a
	// pattern without a slash also matches the base name, and "dir/**"
	// matches everything under dir.
	Path string `yaml:"path"`
	// Resource is a glob over "Kind/Name" of the finding's resource.
	Resource string `yaml:"resource"`
	// Reason says why the finding is accepted.
	Reason string `yaml:"reason"`
	// Expires is the last day (YYYY-MM-DD, inclusive) the entry applies.
	Expires string `yaml:"expires"`

	line    int
	expires time.Time
}

type fileYAML struct {
	Ignores []yaml.Node `yaml:"ignores"`
}

// Load reads an ignore file from disk.
func Load(name string) (*File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading ignore file: %w", err)
	}
	return Parse(name, data)
}

// Parse parses an ignore file's content. Errors name the file and line.
func Parse(name string, data []byte) (*File, error) {
	var doc fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("ignore file %q: %w", name, err)
	}
	return ParseEntries(name, doc.Ignores)
}

// ParseEntries parses ignore entries given as YAML nodes, as another file
// holds them (the admission policy's exemptions); errors name the file
// and line.
func ParseEntries(name string, nodes []yaml.Node) (*File, error) {
	f := &File{Name: name}
	for i := range nodes {
		n := &nodes[i]
		var e Entry
		// Strictly: a typo ("reson:", "expire:") must not silently do
		// nothing; the error names the key's own line.
		if err := strictyaml.Decode(n, &e); err != nil {
			return nil, fmt.Errorf("ignore file %q entry at line %d: %w", name, n.Line, err)
		}
		e.line = n.Line
		if e.ID == "" && e.Fingerprint == "" && e.Package == "" {
			return nil, fmt.Errorf("ignore file %q line %d: entry needs an id, a fingerprint or a package", name, n.Line)
		}
		for _, g := range []string{e.ID, e.Path, e.Resource, e.Package} {
			if _, err := path.Match(g, ""); err != nil {
				return nil, fmt.Errorf("ignore file %q line %d: bad pattern %q: %w", name, n.Line, g, err)
			}
		}
		if e.Expires != "" {
			t, err := time.Parse(time.DateOnly, e.Expires)
			if err != nil {
				return nil, fmt.Errorf("ignore file %q line %d: expires %q is not a date like 2027-01-31", name, n.Line, e.Expires)
			}
			e.expires = t.AddDate(0, 0, 1) // inclusive of the named day
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// Expired reports whether the entry's expiry date has passed as of now: it
// no longer suppresses anything.
func (e *Entry) Expired(now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// Line is the entry's line in its file.
func (e *Entry) Line() int { return e.line }

// where names an entry for messages.
func (f *File) where(e *Entry) string { return fmt.Sprintf("%s:%d", f.Name, e.line) }

func (e *Entry) matches(fd *finding.Finding) bool {
	if e.Fingerprint != "" && e.Fingerprint != fd.Fingerprint {
		return false
	}
	if e.ID != "" && !glob(e.ID, fd.CheckID) && !matchAdvisory(e.ID, fd.Vulnerability) {
		return false
	}
	if e.Package != "" && (fd.Vulnerability == nil || !matchPackage(e.Package, fd.Vulnerability.Package)) {
		return false
	}
	if e.Path != "" && !matchPath(e.Path, fd.Location.Path) {
		return false
	}
	if e.Resource != "" && !glob(e.Resource, fd.Resource.String()) {
		return false
	}
	return true
}

// matchAdvisory reports whether an ID pattern names the advisory of a
// vulnerability finding or one of its aliases, ignoring case.
func matchAdvisory(pattern string, v *finding.Vulnerability) bool {
	if v == nil {
		return false
	}
	for _, id := range v.IDs() {
		if glob(strings.ToUpper(pattern), strings.ToUpper(id)) {
			return true
		}
	}
	return false
}

// matchPackage matches a package name glob in which "*" also crosses "/"
// (package names are paths: "github.com/gin-*" names
// "github.com/gin-gonic/gin"); otherwise path.Match rules apply.
func matchPackage(pattern, name string) bool {
	if glob(pattern, name) {
		return true
	}
	// Each "*" of the pattern may stand for any run of characters: match
	// the literal parts in order.
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return false
	}
	if !globPrefix(parts[0], &name, true) {
		return false
	}
	for _, mid := range parts[1 : len(parts)-1] {
		if !globPrefix(mid, &name, false) {
			return false
		}
	}
	last := parts[len(parts)-1]
	if len(name) < len(last) {
		return false
	}
	return glob(last, name[len(name)-len(last):])
}

// globPrefix finds lit (a glob without "*") in *s, at the start when
// anchored, else at its first match, and consumes *s up to its end.
func globPrefix(lit string, s *string, anchored bool) bool {
	for i := 0; i+len(lit) <= len(*s); i++ {
		if glob(lit, (*s)[i:i+len(lit)]) {
			*s = (*s)[i+len(lit):]
			return true
		}
		if anchored {
			return false
		}
	}
	return false
}

func glob(pattern, s string) bool {
	ok, _ := path.Match(pattern, s)
	return ok
}

func matchPath(pattern, p string) bool {
	if p == "" {
		return false
	}
	if dir, ok := strings.CutSuffix(pattern, "/**"); ok {
		return p == dir || strings.HasPrefix(p, dir+"/")
	}
	if glob(pattern, p) {
		return true
	}
	return !strings.Contains(pattern, "/") && glob(pattern, path.Base(p))
}

// Result is the outcome of applying suppressions.
type Result struct {
	Kept       []finding.Finding
	Suppressed []finding.Suppressed
	// Notices report expired and unused ignore entries and malformed
	// inline comments, one line each.
	Notices []string
	// Uses counts the findings each entry of the ignore file suppressed,
	// in the file's order (zero for an entry that matched nothing).
	Uses []EntryUse
}

// Apply filters findings through the ignore file (which may be nil) and the
// inline comments found in fsys, as of now.
func Apply(findings []finding.Finding, f *File, fsys fs.FS, now time.Time) Result {
	r := Result{Kept: make([]finding.Finding, 0, len(findings))}
	used := make([]int, 0)
	if f != nil {
		used = make([]int, len(f.Entries))
	}
	inline := newInlineIndex(fsys)
	for _, fd := range findings {
		if s, ok := f.match(&fd, used, now); ok {
			r.Suppressed = append(r.Suppressed, s)
			continue
		}
		if s, ok := inline.match(&fd); ok {
			r.Suppressed = append(r.Suppressed, s)
			continue
		}
		r.Kept = append(r.Kept, fd)
	}
	if f != nil {
		for i := range f.Entries {
			e := &f.Entries[i]
			switch {
			case !e.expires.IsZero() && !now.Before(e.expires):
				r.Notices = append(r.Notices, fmt.Sprintf("ignore entry %s (%s) expired on %s and no longer suppresses", f.where(e), e.label(), e.Expires))
			case used[i] == 0:
				r.Notices = append(r.Notices, fmt.Sprintf("ignore entry %s (%s) matched no finding; remove it if the problem is fixed", f.where(e), e.label()))
			}
			r.Uses = append(r.Uses, EntryUse{Entry: f.where(e), ID: e.ID, Fingerprint: e.Fingerprint, Suppressed: used[i]})
		}
	}
	r.Notices = append(r.Notices, inline.notices...)
	return r
}

func (e *Entry) label() string {
	if e.ID != "" {
		return e.ID
	}
	if e.Package != "" {
		return "package " + e.Package
	}
	return "fingerprint " + e.Fingerprint
}

func (f *File) match(fd *finding.Finding, used []int, now time.Time) (finding.Suppressed, bool) {
	if f == nil {
		return finding.Suppressed{}, false
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		if !e.expires.IsZero() && !now.Before(e.expires) {
			continue
		}
		if e.matches(fd) {
			used[i]++
			return finding.Suppressed{Finding: *fd, By: "ignore file " + f.where(e), Reason: e.Reason}, true
		}
	}
	return finding.Suppressed{}, false
}
