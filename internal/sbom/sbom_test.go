package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/limits"
)

var update = flag.Bool("update", false, "rewrite golden files")

var meta = Meta{Name: "tree", Tool: "fourc", ToolVersion: "v0.0.0-test", Created: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}

// treePackages extracts the packages of the inventory package's fixture
// tree, which covers every supported ecosystem.
func treePackages(t testing.TB) []inventory.Package {
	t.Helper()
	x, err := inventory.NewExtractor()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, skipped, err := x.Walk(context.Background(), os.DirFS(filepath.Join("..", "inventory", "testdata", "tree")))
	if err != nil || len(skipped) > 0 || len(pkgs) < 20 {
		t.Fatalf("extracting fixture packages: %d packages, skipped %v, %v", len(pkgs), skipped, err)
	}
	return pkgs
}

// schemas compiles the CycloneDX 1.6 and SPDX 2.3 JSON schemas kept in
// testdata/schema (see ORIGIN.md there).
func schemas(t testing.TB) map[Format]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schemax.json",
		"http://spdx.org/rdf/terms/2.3":                    "spdx-2.3.schema.json",
	} {
		f, err := os.Open(filepath.Join("testdata", "schema", file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	out := map[Format]*jsonschema.Schema{}
	var err error
	if out[CycloneDX], err = c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json"); err != nil {
		t.Fatal(err)
	}
	if out[SPDX], err = c.Compile("http://spdx.org/rdf/terms/2.3"); err != nil {
		t.Fatal(err)
	}
	return out
}

func validate(t testing.TB, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(doc)
}

func TestWriteValidatesAndRoundTrips(t *testing.T) {
	pkgs := treePackages(t)
	sch := schemas(t)
	for _, format := range []Format{CycloneDX, SPDX} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, format, pkgs, meta); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, sch[format], buf.Bytes()); err != nil {
				t.Fatalf("%s output does not validate against its schema: %v", format, err)
			}
			golden := filepath.Join("testdata", "tree."+string(format)+".json")
			if *update {
				os.WriteFile(golden, buf.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s differs from %s (-want +got; rerun with -update):\n%s", format, golden, diff)
			}

			doc, err := Read(buf.Bytes(), "sbom.json")
			if err != nil || doc.Format != format || len(doc.Skipped) > 0 {
				t.Fatalf("Read = %v, %v", doc, err)
			}
			got := doc.Packages
			type key struct{ Eco, Name, Version, PURL string }
			wantKeys := map[key]bool{}
			for _, p := range pkgs {
				wantKeys[key{p.Ecosystem, p.Name, p.Version, p.PURL}] = true
			}
			gotKeys := map[key]bool{}
			for _, p := range got {
				gotKeys[key{p.Ecosystem, p.Name, p.Version, p.PURL}] = true
				if p.Location.Path != "sbom.json" {
					t.Errorf("location %q, want the SBOM's name", p.Location.Path)
				}
			}
			if diff := cmp.Diff(wantKeys, gotKeys); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	// The same input gives the same document; a different one does not.
	var a, b bytes.Buffer
	WriteSPDX(&a, pkgs, meta)
	WriteSPDX(&b, pkgs[1:], meta)
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("different inputs gave the same SPDX document")
	}
	if err := Write(&a, "xml", pkgs, meta); err == nil {
		t.Error("Write accepted an unknown format")
	}
}

// Other tools' SBOMs: testdata/third-party holds SBOMs in the shapes syft
// and trivy write (CycloneDX and SPDX JSON).
func TestReadThirdParty(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		want   []string // ecosystem/name@version of some packages
	}{
		{"syft.cyclonedx.json", CycloneDX, []string{"Go/golang.org/x/net@0.16.0", "Go/stdlib@1.21.0", "npm/@babel/core@7.20.0", "Debian:12/openssl@3.0.11-1~deb12u2", "Alpine:v3.18/musl@1.2.4-r1"}},
		{"syft.spdx.json", SPDX, []string{"Go/golang.org/x/net@0.16.0", "PyPI/Django@3.2.12", "Maven/org.apache.logging.log4j:log4j-core@2.14.1"}},
		{"trivy.cyclonedx.json", CycloneDX, []string{"Go/golang.org/x/text@0.3.5", "crates.io/smallvec@1.6.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			doc, err := ReadFile(context.Background(), filepath.Join("testdata", "third-party", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			pkgs, format := doc.Packages, doc.Format
			if format != tc.format {
				t.Errorf("format = %s, want %s", format, tc.format)
			}
			have := map[string]bool{}
			for _, p := range pkgs {
				have[p.Ecosystem+"/"+p.Name+"@"+p.Version] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("missing %s; have %v", w, have)
				}
			}
		})
	}
}

func TestReadBadInput(t *testing.T) {
	tests := map[string]string{
		"not json":       "hello",
		"neither format": `{"foo": 1}`,
		"bad cyclonedx":  `{"bomFormat": "CycloneDX", "components": "x"}`,
		"bad spdx":       `{"spdxVersion": "SPDX-2.3", "packages": 7}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Read([]byte(in), "in.json")
			if err == nil || !strings.Contains(err.Error(), `"in.json"`) {
				t.Errorf("Read = %v, want an error naming the input", err)
			}
		})
	}
}

func TestFromPURL(t *testing.T) {
	tests := []struct{ purl, eco, name, version string }{
		{"pkg:golang/golang.org/x/net@v0.16.0", "Go", "golang.org/x/net", "0.16.0"},
		{"pkg:npm/%40babel/core@7.20.0", "npm", "@babel/core", "7.20.0"},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"},
		{"pkg:composer/guzzlehttp/guzzle@7.4.0", "Packagist", "guzzlehttp/guzzle", "7.4.0"},
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "Debian:12", "openssl", "3.0.11-1~deb12u2"},
		{"pkg:apk/alpine/musl@1.2.4-r1?arch=x86_64&distro=3.18.4", "Alpine:v3.18", "musl", "1.2.4-r1"},
		{"pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=ubuntu-22.04", "Ubuntu:22.04", "bash", "5.1-6ubuntu1"},
		{"pkg:generic/thing@1.0", "", "thing", "1.0"},
	}
	for _, tc := range tests {
		p, ok := fromPURL(tc.purl)
		if !ok || p.Ecosystem != tc.eco || p.Name != tc.name || p.Version != tc.version {
			t.Errorf("fromPURL(%q) = %q %q %q %v; want %q %q %q", tc.purl, p.Ecosystem, p.Name, p.Version, ok, tc.eco, tc.name, tc.version)
		}
	}
	if _, ok := fromPURL("not a purl"); ok {
		t.Error("fromPURL accepted garbage")
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"syft.cyclonedx.json", "syft.spdx.json", "trivy.cyclonedx.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "third-party", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1","components":[{"purl":"pkg:golang/x@v1"}]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.2","packages":[{"externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/a@1"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := limits.With(context.Background(), limits.Limits{Components: 50, Depth: 8, StringBytes: 256})
		doc, err := Decode(ctx, bytes.NewReader(data), "fuzz.json")
		if err != nil && doc != nil {
			t.Errorf("document returned with an error")
		}
		if err == nil && len(doc.Packages) > 50 {
			t.Errorf("%d packages, over the budget of 50", len(doc.Packages))
		}
		_ = json.Valid(data)
	})
}
