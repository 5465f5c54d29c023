package ignore

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

// Marker starts an inline suppression. It works in any comment syntax
// (#, //, --, <!-- -->) because only the token is searched for:
//
//	USER root # fourc:ignore FC-DF-004 -- needs root to bind port 80
//
// The comment suppresses the named checks on its own line and on the line
// that follows it, so it can also stand on a line of its own above the
// offending line. Vulnerability advisory IDs and their aliases work as
// check IDs do, e.g. in a go.mod:
//
//	golang.org/x/net v0.20.0 // fourc:ignore CVE-2023-45288 -- no HTTP/2 server
const Marker = "fourc:ignore"

// inlineIDs reads the IDs after the marker: check IDs (FC-DF-004) and
// advisory IDs (CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, GO-2024-1234,
// PYSEC-2021-1, RUSTSEC-2020-1, DSA-5000-1, ...), comma-separated, and an
// optional reason after "--".
var inlineIDs = regexp.MustCompile(`^[\s:=]*((?:[A-Za-z][A-Za-z0-9]{1,9}(?:-[A-Za-z0-9.]{1,24}){1,4}(?:\s*,\s*)?)+)\s*(?:--\s*(.*))?`)

type directive struct {
	ids    []string
	reason string
}

// inlineIndex reads each file with findings once and remembers its
// directives by line.
type inlineIndex struct {
	fsys    fs.FS
	files   map[string]map[int]directive
	notices []string
}

func newInlineIndex(fsys fs.FS) *inlineIndex {
	return &inlineIndex{fsys: fsys, files: map[string]map[int]directive{}}
}

func (x *inlineIndex) match(fd *finding.Finding) (finding.Suppressed, bool) {
	if x.fsys == nil || fd.Location.Path == "" || fd.Location.StartLine == 0 {
		return finding.Suppressed{}, false
	}
	dirs, ok := x.files[fd.Location.Path]
	if !ok {
		dirs = x.load(fd.Location.Path)
		x.files[fd.Location.Path] = dirs
	}
	for _, ln := range []int{fd.Location.StartLine, fd.Location.StartLine - 1} {
		d, ok := dirs[ln]
		if !ok {
			continue
		}
		for _, id := range d.ids {
			if id == fd.CheckID || matchAdvisory(id, fd.Vulnerability) {
				return finding.Suppressed{
					Finding: *fd,
					By:      fmt.Sprintf("inline comment %s:%d", fd.Location.Path, ln),
					Reason:  d.reason,
				}, true
			}
		}
	}
	return finding.Suppressed{}, false
}

func (x *inlineIndex) load(name string) map[int]directive {
	data, err := source.ReadFile(x.fsys, path.Clean(name), 0)
	if err != nil || !bytes.Contains(data, []byte(Marker)) {
		return nil
	}
	out := map[int]directive{}
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		_, rest, ok := strings.Cut(string(line), Marker)
		if !ok {
			continue
		}
		m := inlineIDs.FindStringSubmatch(rest)
		if m == nil {
			x.notices = append(x.notices, fmt.Sprintf("inline comment %s:%d names no check ID (write %s FC-XXX-000 -- reason)", name, i+1, Marker))
			continue
		}
		var ids []string
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		out[i+1] = directive{ids: ids, reason: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "-->"))}
	}
	return out
}
