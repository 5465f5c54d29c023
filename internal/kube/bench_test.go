package kube

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// benchFS holds n copies of the insecure golden stack, each in its own
// namespace and file, under one unit.
func benchFS(b *testing.B, n int) (fstest.MapFS, []string, int) {
	data, err := os.ReadFile("testdata/golden/insecure.yaml")
	if err != nil {
		b.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var paths []string
	size := 0
	for i := range n {
		p := fmt.Sprintf("k8s/app%03d.yaml", i)
		d := strings.ReplaceAll(string(data), "shop", fmt.Sprintf("shop%03d", i))
		fsys[p] = &fstest.MapFile{Data: []byte(d)}
		paths = append(paths, p)
		size += len(d)
	}
	return fsys, paths, size
}

func BenchmarkScan(b *testing.B) {
	fsys, paths, size := benchFS(b, 100)
	s := NewScanner(Options{})
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		fs, sk := s.Scan(context.Background(), fsys, paths)
		if len(fs) == 0 || len(sk) > 0 {
			b.Fatalf("%d findings, skipped %v", len(fs), sk)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/insecure.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if objs, _ := Load("x.yaml", data); len(objs) != 7 {
			b.Fatalf("loaded %d objects", len(objs))
		}
	}
}
