package kube

import (
	"strconv"
	"strings"
)

// Lines maps field paths of one object to the lines of its source document,
// so that a violation's Field (for example
// "spec.template.spec.containers[1].securityContext.privileged") becomes a
// file:line. The zero value knows no lines (a live object).
//
// Field paths join mapping keys with dots and sequence indexes with
// brackets; a key that holds a dot, a bracket or a quote is written as
// ["key"], e.g. `metadata.labels["app.kubernetes.io/name"]`.
type Lines struct {
	index  map[string]int // shared by every object of one document
	prefix string         // the object's own path inside its document ("items[2]"), or ""
	first  int            // the object's first line
}

// First returns the object's first line, or 0 when unknown.
func (l Lines) First() int { return l.first }

// Line returns the line of field, or of its nearest parent that exists in
// the source, or the object's first line. It returns 0 for an object with
// no source lines.
func (l Lines) Line(field string) int {
	if l.index == nil {
		return l.first
	}
	for p := joinField(l.prefix, field); p != "" && p != l.prefix; p = parentField(p) {
		if n, ok := l.index[p]; ok {
			return n
		}
	}
	return l.first
}

// joinField appends a relative field path to a prefix.
func joinField(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case field[0] == '[':
		return prefix + field
	}
	return prefix + "." + field
}

// fieldKey appends a mapping key to a path, quoting keys that would be
// ambiguous.
func fieldKey(path, key string) string {
	if key == "" || strings.ContainsAny(key, `.[]"`) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldIndex appends a sequence index to a path.
func fieldIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// parentField strips the last element of a field path: "a.b[1]" → "a.b",
// `a["x.y"]` → "a", "a.b" → "a", "a" → "".
func parentField(p string) string {
	if strings.HasSuffix(p, `"]`) {
		if i := strings.LastIndex(p, `["`); i >= 0 {
			return p[:i]
		}
	}
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}
