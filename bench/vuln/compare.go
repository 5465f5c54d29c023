//go:build ignore

// Compare reads a fourc JSON report and an osv-scanner or trivy JSON report
// of the same input and prints how many (package, version, vulnerability
// ID) findings each has and how many they share. Trivy names a
// vulnerability by its CVE alias where there is one: -osv DIR maps aliases
// back to the OSV IDs of the records in DIR.
//
//	go run compare.go [-osv DIR] fourc.json other.json
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

type key struct{ name, version, id string }

func main() {
	osvDir := flag.String("osv", "", "folder of the OSV records both tools used (to map trivy's CVE IDs)")
	flag.Parse()
	if flag.NArg() != 2 {
		log.Fatal("usage: go run compare.go [-osv DIR] FOURC.json OTHER.json")
	}
	a := fourc(flag.Arg(0))
	tool, b := "osv-scanner", osv(flag.Arg(1))
	if len(b) == 0 {
		if t := trivy(flag.Arg(1), aliases(*osvDir)); len(t) > 0 {
			tool, b = "trivy", t
		}
	}
	both := 0
	var onlyA, onlyB []string
	for k := range a {
		if b[k] {
			both++
		} else {
			onlyA = append(onlyA, k.name+"@"+k.version+" "+k.id)
		}
	}
	for k := range b {
		if !a[k] {
			onlyB = append(onlyB, k.name+"@"+k.version+" "+k.id)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	fmt.Printf("fourc %d, %s %d, shared %d, only fourc %d, only %s %d\n", len(a), tool, len(b), both, len(onlyA), tool, len(onlyB))
	for i, s := range onlyA {
		if i == 5 {
			break
		}
		fmt.Println("  only fourc:", s)
	}
	for i, s := range onlyB {
		if i == 5 {
			break
		}
		fmt.Printf("  only %s: %s\n", tool, s)
	}
}

func read(path string, v any) {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

// fourc: FC-VULN-001 findings; resource "name@version", ID in the OSV
// reference.
func fourc(path string) map[key]bool {
	var r struct {
		Findings []struct {
			CheckID    string `json:"check_id"`
			Resource   struct{ Name string }
			References []struct{ Source string }
		}
	}
	read(path, &r)
	out := map[key]bool{}
	for _, f := range r.Findings {
		if f.CheckID != "FC-VULN-001" {
			continue
		}
		i := strings.LastIndex(f.Resource.Name, "@")
		if i < 0 {
			continue
		}
		for _, ref := range f.References {
			if id, ok := strings.CutPrefix(ref.Source, "OSV "); ok {
				out[key{f.Resource.Name[:i], strings.TrimPrefix(f.Resource.Name[i+1:], "v"), id}] = true
			}
		}
	}
	return out
}

// osv: results[].packages[].vulnerabilities[].id.
func osv(path string) map[key]bool {
	var r struct {
		Results []struct {
			Packages []struct {
				Package         struct{ Name, Version string }
				Vulnerabilities []struct{ ID string }
			}
		}
	}
	read(path, &r)
	out := map[key]bool{}
	for _, res := range r.Results {
		for _, p := range res.Packages {
			for _, v := range p.Vulnerabilities {
				out[key{p.Package.Name, strings.TrimPrefix(p.Package.Version, "v"), v.ID}] = true
			}
		}
	}
	return out
}

// trivy: Results[].Vulnerabilities[], IDs mapped to OSV IDs through alias.
func trivy(path string, alias map[string]string) map[key]bool {
	var r struct {
		Results []struct {
			Vulnerabilities []struct{ VulnerabilityID, PkgName, InstalledVersion string }
		}
	}
	read(path, &r)
	out := map[key]bool{}
	for _, res := range r.Results {
		for _, v := range res.Vulnerabilities {
			id := v.VulnerabilityID
			if a, ok := alias[id]; ok {
				id = a
			}
			out[key{v.PkgName, strings.TrimPrefix(v.InstalledVersion, "v"), id}] = true
		}
	}
	return out
}

// aliases maps each alias (CVE, GHSA) of the OSV records in dir to the
// record's own ID.
func aliases(dir string) map[string]string {
	out := map[string]string{}
	if dir == "" {
		return out
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		var rec struct {
			ID      string   `json:"id"`
			Aliases []string `json:"aliases"`
		}
		read(f, &rec)
		for _, a := range rec.Aliases {
			out[a] = rec.ID
		}
	}
	return out
}
