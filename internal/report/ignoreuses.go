package report

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/ignore"
)

// useLabel names an ignore entry and what it suppressed in one line.
func useLabel(u ignore.EntryUse) string {
	what := u.ID
	if what == "" {
		what = "fingerprint " + u.Fingerprint
	}
	return fmt.Sprintf("%s (%s) suppressed %s", u.Entry, what, plural(u.Suppressed, "finding", "findings"))
}

func (p *tablePrinter) ignoreUses(us []ignore.EntryUse) {
	if len(us) == 0 {
		return
	}
	p.line("Ignore entries:")
	for _, u := range us {
		p.line("  " + clean(useLabel(u)))
	}
}

func mdIgnoreUses(b *strings.Builder, us []ignore.EntryUse) {
	if len(us) == 0 {
		return
	}
	b.WriteString("**Ignore entries**\n\n")
	for _, u := range us {
		b.WriteString("- " + mdCell(useLabel(u)) + "\n")
	}
	b.WriteString("\n")
}

// Clean makes text from scanned inputs safe to print on a terminal:
// control characters (ESC, BEL, CR, …) and invalid UTF-8 are shown
// escaped, so no terminal sequence gets through.
func Clean(s string) string { return clean(s) }
