package yara

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkProf(b *testing.B) {
	var files [][]byte
	filepath.WalkDir("/usr/local/go/src/net", func(p string, d fs.DirEntry, err error) error {
		if d.Type().IsRegular() {
			x, _ := os.ReadFile(p)
			files = append(files, x)
		}
		return nil
	})
	rs, errs := LoadFiles("/tmp/yt/gen.yar")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, data := range files {
			rs.Scan(context.Background(), data)
		}
	}
}
