package host

import (
	"path"
	"slices"
	"strings"
)

// APTValue is the value of one apt configuration option and where it was
// set.
type APTValue struct {
	Value string
	Path  string
	Line  int
}

// APTConfig reads the node's apt configuration as apt does: the files of
// /etc/apt/apt.conf.d in name order (names of letters, digits, "_", "-"
// and "." only, without an extension or ending in .conf), then
// /etc/apt/apt.conf; a later assignment wins. Keys are the full option
// names, lowercase ("apt::periodic::unattended-upgrade").
func APTConfig(n *Node) map[string]APTValue {
	out := map[string]APTValue{}
	files, _ := n.Glob("/etc/apt/apt.conf.d/*")
	files = slices.DeleteFunc(files, func(f string) bool { return !aptPart(path.Base(f)) })
	slices.Sort(files)
	files = append(files, "/etc/apt/apt.conf")
	for _, f := range files {
		data, err := n.ReadFile(f, 1<<20)
		if err != nil {
			continue
		}
		ParseAPTConf(string(data), func(key, value string, line int) {
			out[strings.ToLower(key)] = APTValue{Value: value, Path: f, Line: line}
		})
	}
	return out
}

// aptPart reports whether apt reads a file of a .d directory with this
// name.
func aptPart(name string) bool {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:] == ".conf"
	}
	return name != ""
}

// ParseAPTConf calls fn for every assignment of an apt.conf(5) file, with
// the full option name (scopes joined with "::") and the line it is on:
// `APT::Periodic::Unattended-Upgrade "1";` and
// `APT { Periodic { Unattended-Upgrade "1"; }; };` both give
// ("APT::Periodic::Unattended-Upgrade", "1"). Comments (//, /* */ and #)
// are skipped; list values (`{ "a"; "b"; }` without a name) are ignored.
func ParseAPTConf(data string, fn func(key, value string, line int)) {
	p := &aptConfParser{fn: fn, line: 1}
	for i := 0; i < len(data); i++ {
		if p.inQuote {
			p.quoted(data[i])
			continue
		}
		last, ok := p.plain(data, i)
		if !ok {
			return
		}
		i = last
	}
}

// aptConfParser is the state of ParseAPTConf: the enclosing scopes, the
// words of the statement read so far and the word being read.
type aptConfParser struct {
	fn       func(key, value string, line int)
	scope    []string
	words    []string
	cur      strings.Builder
	line     int
	wordLine int // line of the statement's first word
	inQuote  bool
}

// quoted takes one byte inside a quoted string.
func (p *aptConfParser) quoted(c byte) {
	switch c {
	case '"':
		p.words = append(p.words, p.cur.String())
		p.cur.Reset()
		p.inQuote = false
	case '\n':
		p.line++
		p.cur.WriteByte(c)
	default:
		p.cur.WriteByte(c)
	}
}

// plain takes the byte at data[i], outside a quoted string, and returns
// the index of the last byte it consumed; ok is false when a /* comment
// is never closed.
func (p *aptConfParser) plain(data string, i int) (last int, ok bool) {
	c := data[i]
	switch {
	case c == '\n':
		p.flush()
		p.line++
	case c == ' ' || c == '\t' || c == '\r':
		p.flush()
	case c == '"':
		p.flush()
		p.openQuote()
	case c == '#' || strings.HasPrefix(data[i:], "//"):
		p.flush()
		return lineCommentEnd(data, i), true
	case strings.HasPrefix(data[i:], "/*"):
		p.flush()
		return p.blockComment(data, i)
	case c == '{':
		p.flush()
		p.openScope()
	case c == '}':
		p.flush()
		p.closeScope()
	case c == ';':
		p.flush()
		p.assign()
	default:
		if p.cur.Len() == 0 && len(p.words) == 0 {
			p.wordLine = p.line
		}
		p.cur.WriteByte(c)
	}
	return i, true
}

// flush ends the word being read.
func (p *aptConfParser) flush() {
	if p.cur.Len() > 0 || p.inQuote {
		p.words = append(p.words, p.cur.String())
		p.cur.Reset()
	}
}

// openQuote starts a quoted string.
func (p *aptConfParser) openQuote() {
	p.inQuote = true
	if len(p.words) == 0 {
		p.wordLine = p.line
	}
}

// lineCommentEnd returns the index of the last byte of the # or // comment
// starting at data[i], leaving its newline to be read.
func lineCommentEnd(data string, i int) int {
	for i < len(data) && data[i] != '\n' {
		i++
	}
	return i - 1
}

// blockComment skips the /* */ comment starting at data[i], counting its
// lines, and returns the index of its closing '/'; ok is false when it is
// never closed.
func (p *aptConfParser) blockComment(data string, i int) (last int, ok bool) {
	end := strings.Index(data[i+2:], "*/")
	if end < 0 {
		return i, false
	}
	p.line += strings.Count(data[i:i+2+end], "\n")
	return i + end + 3, true
}

// openScope starts a `name {` block; a block without a name is a list.
func (p *aptConfParser) openScope() {
	if len(p.words) > 0 {
		p.scope = append(p.scope, p.words[0])
	} else {
		p.scope = append(p.scope, "")
	}
	p.words = p.words[:0]
}

// closeScope ends the innermost block.
func (p *aptConfParser) closeScope() {
	p.words = p.words[:0]
	if len(p.scope) > 0 {
		p.scope = p.scope[:len(p.scope)-1]
	}
}

// assign ends a statement, reporting it when it is a `name value;`
// assignment outside any list.
func (p *aptConfParser) assign() {
	if len(p.words) >= 2 && !slices.Contains(p.scope, "") {
		key := strings.Join(append(slices.Clone(p.scope), p.words[0]), "::")
		p.fn(key, p.words[len(p.words)-1], p.wordLine)
	}
	p.words = p.words[:0]
}
