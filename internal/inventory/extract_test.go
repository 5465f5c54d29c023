package inventory

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func newExtractor(t testing.TB) *Extractor {
	t.Helper()
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestWalkGolden(t *testing.T) {
	x := newExtractor(t)
	pkgs, skipped, err := x.Walk(context.Background(), os.DirFS("testdata/tree"))
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	got, err := json.MarshalIndent(pkgs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "tree.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
		t.Errorf("packages differ from %s (-want +got; rerun with -update):\n%s", golden, diff)
	}
	// Every ecosystem of the issue is covered by the tree.
	ecos := map[string]bool{}
	for _, p := range pkgs {
		ecos[p.Ecosystem] = true
	}
	for _, e := range []string{"Go", "npm", "PyPI", "Maven", "crates.io", "RubyGems", "Packagist", "NuGet"} {
		if !ecos[e] {
			t.Errorf("no %s package extracted", e)
		}
	}
}

func TestWants(t *testing.T) {
	x := newExtractor(t)
	tests := map[string]bool{
		"go.mod": true, "a/b/package-lock.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
		"requirements.txt": true, "dev-requirements.txt": true, "poetry.lock": true, "Pipfile.lock": true,
		"uv.lock": true, "pom.xml": true, "gradle.lockfile": true, "Cargo.lock": true, "Gemfile.lock": true,
		"composer.lock": true, "packages.lock.json": true, "packages.config": true,
		"bin/server": true, // possibly a Go binary: checked by mode before reading
		"main.go":    false, "README.md": false, "deploy.yaml": false, "node_modules/x/package-lock.json": false,
		"node_modules/.bin/tool": false, ".env": false,
	}
	for p, want := range tests {
		if got := x.Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestGoBinary(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o644)
	bin := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"dist/hello":  {Data: data, Mode: 0o755},
		"dist/notes":  {Data: []byte("plain text"), Mode: 0o644},
		"dist/script": {Data: []byte("#!/bin/sh\necho hi\n"), Mode: 0o755},
	}
	x := newExtractor(t)
	pkgs, skipped, err := x.Walk(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	want := []Package{
		{Name: "example.com/hello", Ecosystem: "Go", PURL: "pkg:golang/example.com/hello", Location: Location{Path: "dist/hello"}, Source: "go/binary"},
		{Name: "stdlib", Version: string(goVersion[2 : len(goVersion)-1]), Ecosystem: "Go", Location: Location{Path: "dist/hello"}, Source: "go/binary"},
	}
	want[1].PURL = "pkg:golang/stdlib@v" + want[1].Version
	if diff := cmp.Diff(want, pkgs); diff != "" || len(skipped) > 0 {
		t.Errorf("packages of dist/hello (-want +got):\n%s\nskipped: %v", diff, skipped)
	}
}

func TestBadInputIsSkipped(t *testing.T) {
	fsys := fstest.MapFS{
		"a/package-lock.json": {Data: []byte("{not json")},
		"b/go.mod":            {Data: []byte("module x\n\nrequire (\n")},
		"c/Cargo.lock":        {Data: []byte("\x00\x01\x02 binary garbage [[[")},
		"d/poetry.lock":       {Data: []byte("[[package]]\nname = \"ok\"\nversion = \"1.0\"\n")},
	}
	x := newExtractor(t)
	pkgs, skipped, err := x.Walk(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || pkgs[0].Name != "ok" {
		t.Errorf("packages = %+v, want only d/poetry.lock's", pkgs)
	}
	paths := map[string]bool{}
	for _, s := range skipped {
		paths[s.Path] = true
		if s.Reason == "" || s.Scanner != ScannerName {
			t.Errorf("skipped entry without reason or scanner: %+v", s)
		}
	}
	for _, p := range []string{"a/package-lock.json", "b/go.mod", "c/Cargo.lock"} {
		if !paths[p] {
			t.Errorf("%s not skipped; skipped = %v", p, skipped)
		}
	}
}

// FuzzExtract feeds arbitrary bytes to every extractor under the file
// names they want; none may panic past extractOne's recovery or hang.
func FuzzExtract(f *testing.F) {
	names := []string{"go.mod", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "requirements.txt",
		"poetry.lock", "Pipfile.lock", "uv.lock", "pom.xml", "gradle.lockfile", "Cargo.lock", "Gemfile.lock",
		"composer.lock", "packages.lock.json", "packages.config", "bun.lock", "pdm.lock"}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "tree", "*", "*"))
	for i, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(uint8(i), data)
		}
	}
	x := newExtractor(f)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := names[int(which)%len(names)]
		fsys := fstest.MapFS{name: {Data: data}, "package.json": {Data: data}, "composer.json": {Data: data}}
		pkgs, skipped := x.Extract(context.Background(), fsys, []string{name})
		for _, p := range pkgs {
			if p.Location.Path != name {
				t.Errorf("package %v located in %q, want %q", p, p.Location.Path, name)
			}
		}
		for _, s := range skipped {
			if s.Reason == "" {
				t.Errorf("skipped without a reason: %+v", s)
			}
		}
	})
}

// TestGoDirectiveBeforeToolchains: a go.mod whose go line predates Go 1.21
// gives only a language version, not the Go that builds the module, so it
// names no standard library; from 1.21 on, and with a toolchain line, it
// does (stdlib, and toolchain for the go command's own bugs).
func TestGoDirectiveBeforeToolchains(t *testing.T) {
	x, err := NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		gomod string
		want  string // stdlib version, "" for none
	}{
		{"module a\n\ngo 1.11\n", ""},
		{"module a\n\ngo 1.20\n", ""},
		{"module a\n\ngo 1.21\n", "1.21"},
		{"module a\n\ngo 1.22.1\n", "1.22.1"},
		{"module a\n\ngo 1.22\n\ntoolchain go1.23.4\n", "1.23.4"},
	} {
		fsys := fstest.MapFS{"go.mod": {Data: []byte(tc.gomod)}}
		pkgs, skipped := x.Extract(t.Context(), fsys, []string{"go.mod"})
		if len(skipped) > 0 {
			t.Fatalf("%q: skipped %v", tc.gomod, skipped)
		}
		got := map[string]string{}
		for _, p := range pkgs {
			got[p.Name] = p.Version
		}
		if got["stdlib"] != tc.want || got["toolchain"] != tc.want {
			t.Errorf("%q: stdlib %q, toolchain %q; want %q for both", tc.gomod, got["stdlib"], got["toolchain"], tc.want)
		}
	}
}
