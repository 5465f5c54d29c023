package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	scalibrextractor "github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/inventory"
)

// npmLockChunk is the most package-lock.json entries scalibr's extractor
// is given at once. It finds each package's line with a search from the
// start of the document, so one call costs the square of the entries: a
// 100,000-package lockfile would take hours. Larger lockfiles are split
// into documents of this many entries (the search then costs about as much as parsing), each entry compacted onto one
// line, and the lines are mapped back to the original file.
const npmLockChunk = 100

// lockEntry is one entry of a lockfile's "packages" (or, for lockfile
// version 1, "dependencies") object.
type lockEntry struct {
	key   string
	raw   json.RawMessage
	start int64 // offset of the value in the original file
}

// extractNpmLock runs the package-lock.json extractor e over data in
// chunks of npmLockChunk entries; small lockfiles go to it whole.
func extractNpmLock(ctx context.Context, e filesystem.Extractor, in *filesystem.ScanInput, data []byte) (inventory.Inventory, error) {
	field, entries, err := lockEntries(data)
	if err != nil || len(entries) <= npmLockChunk {
		// Small or malformed: scalibr's own reading (and error) applies.
		in.Reader = bytes.NewReader(data)
		return e.Extract(ctx, in)
	}
	lines := newLineIndex(data)
	version := 3
	if field == "dependencies" {
		version = 1
	}
	type key struct{ name, version string }
	best := map[key]*scalibrextractor.Package{}
	var order []key
	var buf bytes.Buffer
	for from := 0; from < len(entries); from += npmLockChunk {
		if err := ctx.Err(); err != nil {
			return inventory.Inventory{}, err
		}
		chunk := entries[from:min(from+npmLockChunk, len(entries))]
		buf.Reset()
		fmt.Fprintf(&buf, "{\"lockfileVersion\":%d,%q:{\n", version, field)
		for i, le := range chunk {
			k, _ := json.Marshal(le.key)
			buf.Write(k)
			buf.WriteByte(':')
			if err := json.Compact(&buf, le.raw); err != nil {
				return inventory.Inventory{}, err
			}
			if i < len(chunk)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString("}}\n")
		c := *in
		c.Reader = bytes.NewReader(buf.Bytes())
		inv, err := e.Extract(ctx, &c)
		if err != nil {
			return inventory.Inventory{}, err
		}
		for _, p := range inv.Packages {
			if d := p.Location.Descriptor; d != nil && d.File != nil {
				// Entry i of the chunk is on line i+2.
				if i := d.File.LineNumber - 2; i >= 0 && i < len(chunk) {
					d.File.LineNumber = lines.of(chunk[i].start)
				}
			}
			k := key{p.Name, p.Version}
			old, seen := best[k]
			if !seen {
				order = append(order, k)
			}
			if !seen || lineOf(p) < lineOf(old) {
				best[k] = p
			}
		}
	}
	out := inventory.Inventory{Packages: make([]*scalibrextractor.Package, 0, len(order))}
	for _, k := range order {
		out.Packages = append(out.Packages, best[k])
	}
	return out, nil
}

func lineOf(p *scalibrextractor.Package) int {
	if d := p.Location.Descriptor; d != nil && d.File != nil {
		return d.File.LineNumber
	}
	return 0
}

// lockEntries lists the entries of the lockfile's "packages" object, or of
// its "dependencies" object when it has no "packages" (lockfile version
// 1), in one pass over the document.
func lockEntries(data []byte) (string, []lockEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", nil, fmt.Errorf("not a JSON object")
	}
	var pkgs, deps []lockEntry
	var raw json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, err
		}
		k, _ := tok.(string)
		if k != "packages" && k != "dependencies" {
			if err := dec.Decode(&raw); err != nil {
				return "", nil, err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return "", nil, fmt.Errorf("%s is not an object", k)
		}
		var list []lockEntry
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", nil, err
			}
			name, _ := tok.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return "", nil, err
			}
			list = append(list, lockEntry{key: name, raw: v, start: dec.InputOffset() - int64(len(v))})
		}
		if _, err := dec.Token(); err != nil {
			return "", nil, err
		}
		if k == "packages" {
			pkgs = list
		} else {
			deps = list
		}
	}
	if pkgs != nil {
		return "packages", pkgs, nil
	}
	return "dependencies", deps, nil
}

// lineIndex turns byte offsets into 1-based line numbers.
type lineIndex []int64

func newLineIndex(data []byte) lineIndex {
	var idx lineIndex
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return idx
		}
		off += i + 1
		idx = append(idx, int64(off))
	}
}

// of returns the line of offset off: one more than the newlines before it.
func (l lineIndex) of(off int64) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off }) + 1
}

// readAllLimited reads r up to limit bytes.
func readAllLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("over %d bytes", limit)
	}
	return data, nil
}
