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
	var scope []string
	var words []string
	line := 1
	wordLine := 0
	inQuote := false
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 || inQuote {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inQuote {
			switch c {
			case '"':
				words = append(words, cur.String())
				cur.Reset()
				inQuote = false
			case '\n':
				line++
				cur.WriteByte(c)
			default:
				cur.WriteByte(c)
			}
			continue
		}
		switch {
		case c == '\n':
			flush()
			line++
		case c == ' ' || c == '\t' || c == '\r':
			flush()
		case c == '"':
			flush()
			inQuote = true
			if len(words) == 0 {
				wordLine = line
			}
		case c == '#' || c == '/' && i+1 < len(data) && data[i+1] == '/':
			flush()
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			flush()
			end := strings.Index(data[i+2:], "*/")
			if end < 0 {
				return
			}
			line += strings.Count(data[i:i+2+end], "\n")
			i += end + 3
		case c == '{':
			flush()
			if len(words) > 0 {
				scope = append(scope, words[0])
			} else {
				scope = append(scope, "")
			}
			words = words[:0]
		case c == '}':
			flush()
			words = words[:0]
			if len(scope) > 0 {
				scope = scope[:len(scope)-1]
			}
		case c == ';':
			flush()
			if len(words) >= 2 && !slices.Contains(scope, "") {
				key := strings.Join(append(slices.Clone(scope), words[0]), "::")
				fn(key, words[len(words)-1], wordLine)
			}
			words = words[:0]
		default:
			if cur.Len() == 0 && len(words) == 0 {
				wordLine = line
			}
			cur.WriteByte(c)
		}
	}
}
