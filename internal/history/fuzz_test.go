package history

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/fourc-dev/fourc/internal/secret"
)

// FuzzParseLog feeds arbitrary bytes to the git log parser: it must never
// panic, and every hit it reports has a non-negative line.
func FuzzParseLog(f *testing.F) {
	f.Add([]byte(commitMarker + "0123abcd 1700000000 2024-01-02T10:00:00+00:00\n\n" +
		"diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+key AKIAQ3EGRJ7KZ5WXTM4P\n"))
	f.Add([]byte("diff --git \"a/q\\\"x\" \"b/q\\\"x\"\n+++ \"b/q\\\"x\"\t\n@@ -1 +1,0 @@\n-gone\n\\ No newline at end of file\n@@ -9,0 +9 @@\n++++ x\n"))
	f.Add([]byte("@@ -0,0 +99999999999,2 @@\n+x\n"))
	det, err := secret.NewDetector(secret.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hits, err := parseLog(bufio.NewReader(bytes.NewReader(data)), det)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.line < 0 {
				t.Fatalf("hit at line %d", h.line)
			}
		}
	})
}
