package cluster

import (
	"strings"
	"testing"
)

// FuzzAppliedData checks that any annotation value is judged without
// panicking, and that one holding no "data" text is never said to hold data.
func FuzzAppliedData(f *testing.F) {
	for _, s := range []string{`{"data":{"a":"Yg=="}}`, `{"stringData":{"a":"b"}}`, `{"data":{}}`, `{}`, `[`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appliedData(s)
		if got && !strings.Contains(strings.ToLower(s), "ata") && !strings.Contains(s, `\u`) {
			t.Errorf("appliedData(%q) = true without a data field", s)
		}
	})
}
