package yara

import (
	"fmt"
	"strconv"
	"strings"
)

// tokKind is the kind of a lexical token of a rule file.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tString // a "text" literal; val holds the raw text between the quotes
	tStrID  // $name, $name* or $ (val without the sigil, "*" kept)
	tCount  // #name or #
	tOffset // @name or @
	tLength // !name or !
	tPunct  // operators and punctuation; val holds them
)

// token is one lexical token with the line it starts on.
type token struct {
	kind tokKind
	val  string
	num  int64
	line int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tString:
		return strconv.Quote(t.val)
	}
	return fmt.Sprintf("%q", t.val)
}

// lexer splits a rule file into tokens. Hex strings and regular
// expressions are lexed on the parser's request (see rawHex, rawRegex),
// since only the context tells them apart from operators.
type lexer struct {
	src  []byte
	pos  int
	line int
}

// syntaxError is a fatal error in one file.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (lx *lexer) fail(format string, args ...any) {
	panic(&syntaxError{line: lx.line, msg: fmt.Sprintf(format, args...)})
}

// skipSpace skips white space and comments.
func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\n':
			lx.line++
			lx.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case c == '/' && lx.at(1) == '/':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
		case c == '/' && lx.at(1) == '*':
			end := strings.Index(string(lx.src[lx.pos+2:]), "*/")
			if end < 0 {
				lx.fail("unterminated comment")
			}
			lx.line += strings.Count(string(lx.src[lx.pos:lx.pos+2+end]), "\n")
			lx.pos += end + 4
		default:
			return
		}
	}
}

func (lx *lexer) at(i int) byte {
	if lx.pos+i < len(lx.src) {
		return lx.src[lx.pos+i]
	}
	return 0
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// puncts lists the operators, longest first.
var puncts = []string{"..", "==", "!=", "<=", ">=", "<<", ">>", "{", "}", "(", ")", "[", "]", ":", "=", "<", ">",
	"+", "-", "*", "\\", "%", "&", "|", "^", "~", ",", "."}

// next returns the next token.
func (lx *lexer) next() token {
	lx.skipSpace()
	t := token{line: lx.line}
	if lx.pos >= len(lx.src) {
		return t
	}
	c := lx.src[lx.pos]
	switch {
	case isDigit(c):
		return lx.number(t)
	case isIdentByte(c):
		t.kind, t.val = tIdent, lx.ident()
		return t
	case c == '"':
		t.kind, t.val = tString, lx.text()
		return t
	case c == '$' || c == '#' || c == '@' || (c == '!' && lx.at(1) != '='):
		return lx.sigil(t, c)
	}
	for _, p := range puncts {
		if strings.HasPrefix(string(lx.src[lx.pos:min(len(lx.src), lx.pos+2)]), p) {
			lx.pos += len(p)
			t.kind, t.val = tPunct, p
			return t
		}
	}
	lx.fail("unexpected character %q", c)
	return t
}

func (lx *lexer) ident() string {
	start := lx.pos
	for lx.pos < len(lx.src) && isIdentByte(lx.src[lx.pos]) {
		lx.pos++
	}
	if lx.pos-start > 128 {
		lx.fail("identifier longer than 128 bytes")
	}
	return string(lx.src[start:lx.pos])
}

func (lx *lexer) sigil(t token, c byte) token {
	lx.pos++
	t.kind = map[byte]tokKind{'$': tStrID, '#': tCount, '@': tOffset, '!': tLength}[c]
	if lx.pos < len(lx.src) && isIdentByte(lx.src[lx.pos]) {
		t.val = lx.ident()
	}
	if c == '$' && lx.at(0) == '*' {
		lx.pos++
		t.val += "*"
	}
	return t
}

// number lexes a decimal, 0x hex or 0o octal integer with an optional KB
// or MB suffix.
func (lx *lexer) number(t token) token {
	start := lx.pos
	for lx.pos < len(lx.src) && (isIdentByte(lx.src[lx.pos])) {
		lx.pos++
	}
	if lx.at(0) == '.' && isDigit(lx.at(1)) {
		lx.fail("floating point numbers are not supported")
	}
	s := string(lx.src[start:lx.pos])
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "KB"):
		s, mult = strings.TrimSuffix(s, "KB"), 1024
	case strings.HasSuffix(s, "MB"):
		s, mult = strings.TrimSuffix(s, "MB"), 1024*1024
	}
	var n int64
	var err error
	switch {
	case strings.HasPrefix(s, "0x"):
		n, err = strconv.ParseInt(s[2:], 16, 64)
	case strings.HasPrefix(s, "0o"):
		n, err = strconv.ParseInt(s[2:], 8, 64)
	default:
		n, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil {
		lx.fail("bad number %q", string(lx.src[start:lx.pos]))
	}
	t.kind, t.num, t.val = tInt, n*mult, string(lx.src[start:lx.pos])
	return t
}

// text lexes a "..." literal and returns its raw content (escapes kept).
func (lx *lexer) text() string {
	lx.pos++
	start := lx.pos
	for lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case '\\':
			lx.pos += 2
			continue
		case '"':
			s := string(lx.src[start:lx.pos])
			lx.pos++
			return s
		case '\n':
			lx.fail("unterminated string")
		}
		lx.pos++
	}
	lx.fail("unterminated string")
	return ""
}

// rawHex lexes a { ... } hex string and returns its content.
func (lx *lexer) rawHex() string {
	lx.pos++
	start := lx.pos
	for lx.pos < len(lx.src) && lx.src[lx.pos] != '}' {
		if lx.src[lx.pos] == '\n' {
			lx.line++
		}
		lx.pos++
	}
	if lx.pos >= len(lx.src) {
		lx.fail("unterminated hex string")
	}
	s := string(lx.src[start:lx.pos])
	lx.pos++
	return s
}

// rawRegex lexes a /.../flags regular expression and returns its body and
// flags.
func (lx *lexer) rawRegex() (string, string) {
	lx.pos++
	var b strings.Builder
	for {
		if lx.pos >= len(lx.src) || lx.src[lx.pos] == '\n' {
			lx.fail("unterminated regular expression")
		}
		c := lx.src[lx.pos]
		if c == '/' {
			break
		}
		if c == '\\' && lx.pos+1 < len(lx.src) {
			if lx.src[lx.pos+1] == '/' {
				b.WriteByte('/') // an escaped slash is a plain slash
			} else {
				b.WriteByte(c)
				b.WriteByte(lx.src[lx.pos+1])
			}
			lx.pos += 2
			continue
		}
		b.WriteByte(c)
		lx.pos++
	}
	lx.pos++
	start := lx.pos
	for lx.pos < len(lx.src) && (lx.src[lx.pos] == 'i' || lx.src[lx.pos] == 's') {
		lx.pos++
	}
	if b.Len() == 0 {
		lx.fail("empty regular expression")
	}
	return b.String(), string(lx.src[start:lx.pos])
}

// unescapeText decodes the escapes of a text string: \" \\ \t \n \r \xNN.
func unescapeText(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, fmt.Errorf("string ends with a backslash")
		}
		switch s[i] {
		case '"', '\\':
			out = append(out, s[i])
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'x':
			if i+3 > len(s) {
				return nil, fmt.Errorf("bad \\x escape")
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad \\x escape")
			}
			out = append(out, byte(n))
			i += 2
		default:
			return nil, fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return out, nil
}
