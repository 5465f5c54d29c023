package source

import (
	"fmt"
	"strings"
	"unicode"
)

// UnsafeRune reports whether r must not reach a terminal as is: C0 and C1
// control characters (escape sequences start with ESC or CSI) and
// invisible format characters such as bidirectional overrides.
func UnsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

// Printable returns s with every unsafe rune (see UnsafeRune) written as a
// Go escape (\x1b, \u202e), so that text taken from a scanned file or a
// file name can be quoted in a message without driving the terminal.
func Printable(s string) string {
	if strings.IndexFunc(s, UnsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == unicode.ReplacementChar && s[i] != 0xef:
			fmt.Fprintf(&b, `\x%02x`, s[i]) // an invalid byte
		case UnsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case UnsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
