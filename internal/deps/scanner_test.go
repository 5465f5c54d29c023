package deps

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

type brief struct {
	ID, Resource, Path string
	Line               int
}

func briefs(fs []finding.Finding) []brief {
	out := []brief{}
	for _, f := range fs {
		out = append(out, brief{f.CheckID, f.Resource.String(), f.Location.Path, f.Location.StartLine})
	}
	return out
}

// TestShopExample: the insecure example requires github.com/google/uuid
// without importing it (go.mod line 9); the hardened twin has nothing.
func TestShopExample(t *testing.T) {
	s := NewScanner(Options{})
	fs, skipped := scanDir(t, s, filepath.Join("..", "..", "examples", "shop"))
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	want := []brief{{"FC-DEP-001", "go-module/github.com/google/uuid@v1.6.0", "app/go.mod", 9}}
	if diff := cmp.Diff(want, briefs(fs)); diff != "" {
		t.Errorf("shop (-want +got):\n%s", diff)
	}
	if len(fs) == 1 && !strings.Contains(fs[0].Message, "github.com/google/uuid v1.6.0") {
		t.Errorf("message %q does not name the module", fs[0].Message)
	}
	fs, _ = scanDir(t, s, filepath.Join("..", "..", "examples", "shop-hardened"))
	if diff := cmp.Diff([]brief{}, briefs(fs)); diff != "" {
		t.Errorf("shop-hardened (-want +got):\n%s", diff)
	}
}

func TestModuleBoundaries(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":                 {Data: []byte("module example.com/a\n\ngo 1.22\n\nrequire (\n\tgithub.com/x/used v1.0.0\n\tgithub.com/x/nested v1.0.0\n\tgithub.com/x/vendored v1.0.0\n\tgithub.com/x/ignored v1.0.0\n\tcloud.example/go v1.0.0\n\tcloud.example/go/storage v1.0.0\n)\n")},
		"main.go":                {Data: []byte("package main\n\nimport (\n\t_ \"github.com/x/used/sub\"\n\t_ \"cloud.example/go/storage/inner\"\n)\n")},
		"tools/gen.go":           {Data: []byte("//go:build ignore\n\npackage main\n\nimport _ \"github.com/x/ignored\"\n")},
		"sub/go.mod":             {Data: []byte("module example.com/a/sub\n")},
		"sub/x.go":               {Data: []byte("package sub\n\nimport _ \"github.com/x/nested\"\n")},
		"vendor/github.com/v.go": {Data: []byte("package v\n\nimport _ \"github.com/x/vendored\"\n")},
		"_old/o.go":              {Data: []byte("package o\n\nimport _ \"github.com/x/vendored\"\n")},
	}
	fs, skipped := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"go.mod"})
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Resource.Name)
	}
	want := []string{
		"github.com/x/nested@v1.0.0",
		"github.com/x/vendored@v1.0.0",
		"github.com/x/ignored@v1.0.0",
		"cloud.example/go@v1.0.0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unused (-want +got):\n%s", diff)
	}
}

func TestBadManifests(t *testing.T) {
	fsys := fstest.MapFS{
		"a/go.mod":       {Data: []byte("module\nrequire (\n")},
		"b/package.json": {Data: []byte("{\"dependencies\": {\"x\": \"1\",}")},
		"c/package.json": {Data: []byte("[1, 2]")},
	}
	_, skipped := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"a/go.mod", "b/package.json", "c/package.json", "d/go.mod"})
	var paths []string
	for _, s := range skipped {
		paths = append(paths, s.Path)
		if s.Reason == "" || strings.Contains(s.Reason, "\n") {
			t.Errorf("%s: reason %q is not one line", s.Path, s.Reason)
		}
	}
	if diff := cmp.Diff([]string{"a/go.mod", "b/package.json", "c/package.json", "d/go.mod"}, paths); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestParsePackageJSON(t *testing.T) {
	data := []byte(`{
  "name": "web",
  "nested": {"dependencies": {"not": "this"}},
  "dependencies": {
    "express": "^4.19.2",
    "weird": {"version": "1"},
    "@scope/pkg": "2.0.0"
  },
  "devDependencies": {"jest": "29"},
  "scripts": {"test": "jest"}
}`)
	pj, err := parsePackageJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	want := &packageJSON{
		Name: "web",
		Deps: []npmDecl{
			{Name: "express", Range: "^4.19.2", Group: "dependencies", Line: 5},
			{Name: "@scope/pkg", Range: "2.0.0", Group: "dependencies", Line: 7},
			{Name: "jest", Range: "29", Group: "devDependencies", Line: 9},
		},
		Scripts: map[string]string{"test": "jest"},
	}
	if diff := cmp.Diff(want, pj); diff != "" {
		t.Errorf("package.json (-want +got):\n%s", diff)
	}
}

func TestJSPackages(t *testing.T) {
	src := []byte(`import a from "alpha";
import * as b from 'beta/sub';
import "./local.css";
import {c} from "@scope/gamma/deep/x";
const d = require( "delta" );
const e = await import('epsilon');
export * from "zeta";
require.resolve("eta/package.json");
import fs from "node:fs";
const loader = require("style-loader!css-loader!./x.css");
/// <reference types="theta" />
`)
	want := []string{"alpha", "beta", "@scope/gamma", "delta", "epsilon", "zeta", "eta", "style-loader", "css-loader", "theta"}
	if diff := cmp.Diff(want, jsPackages(src)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}

func TestAnyTags(t *testing.T) {
	for src, want := range map[string]bool{
		"//go:build ignore":            false,
		"//go:build windows":           true,
		"//go:build !windows && arm64": true,
		"//go:build tools":             true,
		"//go:build ignore && linux":   false,
		"//go:build ignore || linux":   true,
		"//go:build !ignore":           true,
	} {
		data := []byte(src + "\n\npackage p\n")
		fsys := fstest.MapFS{"go.mod": {Data: []byte("module m\n\nrequire example.com/x v1.0.0\n")}, "p.go": {Data: append(data, []byte("import _ \"example.com/x\"\n")...)}, "q.go": {Data: []byte("package p\n")}}
		fs, _ := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"go.mod"})
		if got := len(fs) == 0; got != want {
			t.Errorf("%s: import counted = %v, want %v", src, got, want)
		}
	}
}
