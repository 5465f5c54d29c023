//go:build ignore

// Gensbom writes a CycloneDX 1.6 SBOM of N Go modules for the benchmark:
// the modules the OSV records in DIR name, at versions taken from their
// range events (so some are vulnerable and some fixed), then synthetic
// patch versions until N packages are listed.
//
//	go run gensbom.go -osv DIR -n 10000 -o bench.cdx.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

type record struct {
	Affected []struct {
		Package struct{ Ecosystem, Name string }
		Ranges  []struct {
			Events []map[string]string
		}
	}
}

type component struct {
	BOMRef  string `json:"bom-ref"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version"`
	PURL    string `json:"purl"`
}

func main() {
	dir := flag.String("osv", "", "folder of OSV JSON records")
	n := flag.Int("n", 10000, "number of packages")
	out := flag.String("o", "bench.cdx.json", "output file")
	flag.Parse()
	files, err := filepath.Glob(filepath.Join(*dir, "*.json"))
	if err != nil || len(files) == 0 {
		log.Fatalf("no OSV records in %q", *dir)
	}
	versions := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		var r record
		if err := json.Unmarshal(data, &r); err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		for _, a := range r.Affected {
			if a.Package.Ecosystem != "Go" || a.Package.Name == "toolchain" {
				continue
			}
			for _, rg := range a.Ranges {
				for _, e := range rg.Events {
					for _, v := range e {
						if v != "0" && !strings.Contains(v, "-") {
							versions[a.Package.Name] = append(versions[a.Package.Name], v)
						}
					}
				}
			}
		}
	}
	names := make([]string, 0, len(versions))
	for name, vs := range versions {
		slices.Sort(vs)
		versions[name] = slices.Compact(vs)
		names = append(names, name)
	}
	slices.Sort(names)
	seen := map[string]bool{}
	var comps []component
	add := func(name, v string) {
		if len(comps) >= *n || seen[name+"@"+v] {
			return
		}
		seen[name+"@"+v] = true
		pv := "v" + v
		if name == "stdlib" {
			pv = v
		}
		purl := "pkg:golang/" + name + "@" + pv
		comps = append(comps, component{BOMRef: purl, Type: "library", Name: name, Version: pv, PURL: purl})
	}
	for round := 0; len(comps) < *n && round < 64; round++ {
		for _, name := range names {
			if vs := versions[name]; round < len(vs) {
				add(name, vs[round])
			}
		}
	}
	for i := 0; len(comps) < *n; i++ {
		name := names[i%len(names)]
		add(name, fmt.Sprintf("0.0.%d", i/len(names)))
	}
	bom := map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"metadata":   map[string]any{"component": map[string]any{"bom-ref": "root", "type": "application", "name": "bench"}},
		"components": comps,
	}
	data, err := json.MarshalIndent(bom, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d packages from %d modules\n", *out, len(comps), len(names))
}
