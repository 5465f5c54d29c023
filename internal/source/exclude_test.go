package source

import (
	"io/fs"
	"testing"
)

func TestExcluded(t *testing.T) {
	for _, tc := range []struct {
		path  string
		globs []string
		want  bool
	}{
		{"a/node_modules/x/package.json", []string{"node_modules"}, true},
		{"node_modules", []string{"node_modules"}, true},
		{"a/b/c.tf", []string{"a/b"}, true},
		{"a/b/c.tf", []string{"b/c.tf"}, false},
		{"a/b/c.tf", []string{"*.tf"}, true},
		{"a/b/c.tf", []string{"vendor", "*.go"}, false},
		{"a/b/c.tf", nil, false},
	} {
		if got := Excluded(tc.path, tc.globs); got != tc.want {
			t.Errorf("Excluded(%q, %q) = %v, want %v", tc.path, tc.globs, got, tc.want)
		}
	}
}

func TestSpecialKind(t *testing.T) {
	for m, want := range map[fs.FileMode]string{
		fs.ModeNamedPipe: "FIFO", fs.ModeSocket: "socket", fs.ModeDevice | fs.ModeCharDevice: "device",
		fs.ModeSymlink: "symlink", fs.ModeIrregular: "special file",
	} {
		if got := SpecialKind(m); got != want {
			t.Errorf("SpecialKind(%v) = %q, want %q", m, got, want)
		}
	}
}
