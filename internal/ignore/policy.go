package ignore

import (
	"fmt"
	"strings"
)

// Strict removes the entries that use a wildcard ID ("*", "FC-*", "FC-?-1")
// and returns one notice per entry removed, naming file:line. It is the
// strict ignore policy for an ignore file that comes from the scanned
// repository: the people whose code is scanned must name each check they
// accept, so that a single entry cannot silence a whole category (or
// everything). Entries narrowed by a fingerprint alone are kept.
func (f *File) Strict() []string {
	if f == nil {
		return nil
	}
	var notices []string
	kept := f.Entries[:0]
	for _, e := range f.Entries {
		if strings.ContainsAny(e.ID, `*?[\`) {
			notices = append(notices, fmt.Sprintf("ignore entry %s (id %q) refused: the strict ignore policy allows no wildcard IDs in the repository's ignore file", f.where(&e), e.ID))
			continue
		}
		kept = append(kept, e)
	}
	f.Entries = kept
	return notices
}

// EntryUse says how many findings one ignore entry suppressed.
type EntryUse struct {
	// Entry names the entry as file:line.
	Entry string `json:"entry"`
	// ID is the entry's check ID or glob ("" for a fingerprint entry).
	ID string `json:"id,omitempty"`
	// Fingerprint is the entry's fingerprint, when it has one.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Suppressed is the number of findings the entry silenced.
	Suppressed int `json:"suppressed"`
}
