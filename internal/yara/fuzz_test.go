package yara

import (
	"context"
	"os"
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary rule text to the compiler: it must never
// panic, and what compiles must scan.
func FuzzCompile(f *testing.F) {
	if b, err := os.ReadFile("testdata/diff.yar"); err == nil {
		f.Add(b)
	}
	for _, tc := range featureCases {
		f.Add([]byte(tc.rules))
	}
	f.Add([]byte(`rule a { strings: $a = { 61 [1-2] ( 62 | 6? ) } $b = /a[b-d]{2}\x00/is condition: #a > @b[1] }`))
	f.Fuzz(func(t *testing.T, src []byte) {
		rs, _ := Compile(Source{Name: "f.yar", Text: src})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = rs.Scan(ctx, []byte("The quick brown fox\x00MZ\xde\xad\xbe\xef jumps"))
	})
}

// FuzzScan scans arbitrary data with the differential rule set: it must
// never panic and always finish within its budget.
func FuzzScan(f *testing.F) {
	src, err := os.ReadFile("testdata/diff.yar")
	if err != nil {
		f.Fatal(err)
	}
	rs, errs := Compile(Source{Name: "diff.yar", Text: src})
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	f.Add([]byte("The quick brown fox jumps over the lazy dog"))
	f.Add(minimalPE())
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"))
	f.Add(eicar())
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = rs.Scan(ctx, data)
	})
}
