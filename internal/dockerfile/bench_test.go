package dockerfile

import (
	"os"
	"testing"
)

// BenchmarkParseAndCheck parses the golden Dockerfile and runs every check.
func BenchmarkParseAndCheck(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/bad/Dockerfile")
	if err != nil {
		b.Fatal(err)
	}
	s := NewScanner(Options{AllowedRegistries: []string{"docker.io"}})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("Dockerfile", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Check(f)) == 0 {
			b.Fatal("no findings")
		}
	}
}
