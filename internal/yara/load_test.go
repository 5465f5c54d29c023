package yara

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rules")
	write(t, filepath.Join(root, "outside.yar"), `rule outside { condition: true }`)
	write(t, filepath.Join(dir, "a.yar"), `include "sub/common.yar" rule a { condition: common }`)
	write(t, filepath.Join(dir, "sub", "common.yar"), `rule common { condition: true }`)
	write(t, filepath.Join(dir, "b.yara"), `rule b { condition: true }`)
	write(t, filepath.Join(dir, "notes.txt"), `not rules`)
	write(t, filepath.Join(dir, "up.yar"), `include "../outside.yar" rule up { condition: true }`)
	write(t, filepath.Join(dir, "abs.yar"), `include "`+filepath.Join(root, "outside.yar")+`" rule abs { condition: true }`)
	if err := os.Symlink(filepath.Join(root, "outside.yar"), filepath.Join(dir, "sub", "link.yar")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "viaLink.yar"), `include "sub/link.yar" rule vialink { condition: true }`)
	write(t, filepath.Join(dir, "huge.yar"), "rule huge { condition: true } //"+strings.Repeat("x", maxSourceBytes))

	rs, errs := LoadFiles(dir)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`include "../outside.yar": only files in the directory`, "abs.yar", `include "sub/link.yar": resolves outside`, "huge.yar: larger than"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
	// a (with common included), b and sub/common.yar loaded on its own.
	if rs.Len() != 4 {
		t.Errorf("%d rules, want 4; errors:\n%s", rs.Len(), all)
	}
	got := matched(t, rs, []byte("x"))
	slices.Sort(got)
	if !slices.Equal(got, []string{"a", "b", "common", "common"}) {
		t.Errorf("matched %v", got)
	}
}
