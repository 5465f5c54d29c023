package iac

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScanFixtures scans every pass and fail fixture module once per
// iteration.
func BenchmarkScanFixtures(b *testing.B) {
	fsys := os.DirFS(filepath.Join("testdata", "checks"))
	for b.Loop() {
		scanTree(b, fsys)
	}
}

// BenchmarkLoadModule loads and evaluates the golden platform module (with
// its local and installed modules).
func BenchmarkLoadModule(b *testing.B) {
	fsys := os.DirFS(filepath.Join("testdata", "golden", "platform"))
	for b.Loop() {
		LoadModule(context.Background(), fsys, ".")
	}
}
