package source_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/source"
)

func TestReadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"small.txt": {Data: []byte("hello\n")},
		"big.txt":   {Data: []byte(strings.Repeat("x", 100))},
		"empty.txt": {Data: nil},
	}
	got, err := source.ReadFile(fsys, "small.txt", 0)
	if err != nil || string(got) != "hello\n" {
		t.Errorf("ReadFile(small) = %q, %v", got, err)
	}
	if got, err := source.ReadFile(fsys, "empty.txt", 10); err != nil || len(got) != 0 {
		t.Errorf("ReadFile(empty) = %q, %v", got, err)
	}
	if got, err := source.ReadFile(fsys, "big.txt", 100); err != nil || len(got) != 100 {
		t.Errorf("ReadFile at exactly the limit = %d bytes, %v", len(got), err)
	}
	_, err = source.ReadFile(fsys, "big.txt", 99)
	if !errors.Is(err, source.ErrTooLarge) || !strings.Contains(err.Error(), "big.txt") {
		t.Errorf("ReadFile over the limit: error %v, want ErrTooLarge naming the file", err)
	}
	if _, err := source.ReadFile(fsys, "missing.txt", 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing): error %v, want fs.ErrNotExist", err)
	}
}

// growing reports a size smaller than what it yields, as a file being
// appended to does: the read must stop at the limit anyway.
type growing struct{ fstest.MapFS }

func (g growing) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return lyingFile{f}, nil
}

type lyingFile struct{ fs.File }

func (l lyingFile) Stat() (fs.FileInfo, error) {
	st, err := l.File.Stat()
	return smallInfo{st}, err
}

type smallInfo struct{ fs.FileInfo }

func (smallInfo) Size() int64 { return 1 }

func TestReadFileStopsAtLimitWhenSizeLies(t *testing.T) {
	fsys := growing{fstest.MapFS{"log": {Data: []byte(strings.Repeat("x", 50))}}}
	if _, err := source.ReadFile(fsys, "log", 10); !errors.Is(err, source.ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
}

func TestIsBinary(t *testing.T) {
	tests := []struct {
		data []byte
		want bool
	}{
		{nil, false},
		{[]byte("plain text\n"), false},
		{[]byte("utf-8 ✓ text"), false},
		{[]byte("a\x00b"), true},
		{append([]byte(strings.Repeat("a", 8<<10-1)), 0), true},
		{append([]byte(strings.Repeat("a", 8<<10)), 0), false}, // past the sniffed prefix
	}
	for i, tt := range tests {
		if got := source.IsBinary(tt.data); got != tt.want {
			t.Errorf("case %d: IsBinary = %v, want %v", i, got, tt.want)
		}
	}
}

func TestLineOf(t *testing.T) {
	data := []byte("one\ntwo\nthree")
	tests := []struct{ off, want int }{
		{0, 1}, {3, 1}, {4, 2}, {8, 3}, {len(data), 3}, {len(data) + 10, 3},
	}
	for _, tt := range tests {
		if got := source.LineOf(data, tt.off); got != tt.want {
			t.Errorf("LineOf(%d) = %d, want %d", tt.off, got, tt.want)
		}
	}
	if got := source.LineOf(nil, 0); got != 1 {
		t.Errorf("LineOf(nil, 0) = %d", got)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain.yaml", "plain.yaml"},
		{"naïve ✓", "naïve ✓"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"tab\there", `tab\x09here`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"c1\u009bx", `c1\x9bx`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"real \uFFFD replacement", `real \ufffd replacement`},
	}
	for _, tt := range tests {
		if got := source.Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, r := range []rune{'\x00', '\x1b', '\u009b', '\u202e', '\u200b'} {
		if !source.UnsafeRune(r) {
			t.Errorf("UnsafeRune(%U) = false", r)
		}
	}
	for _, r := range []rune{'a', ' ', 'é', '✓'} {
		if source.UnsafeRune(r) {
			t.Errorf("UnsafeRune(%U) = true", r)
		}
	}
}
