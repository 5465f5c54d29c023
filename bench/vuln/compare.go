//go:build ignore

// Compare reads a fourc JSON report and an osv-scanner JSON report of the
// same input and prints how many (package, version, vulnerability ID)
// findings each has and how many they share.
//
//	go run compare.go fourc.json osv.json
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
)

type key struct{ name, version, id string }

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: go run compare.go FOURC.json OSV.json")
	}
	a, b := fourc(os.Args[1]), osv(os.Args[2])
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
	fmt.Printf("fourc %d, osv-scanner %d, shared %d, only fourc %d, only osv-scanner %d\n", len(a), len(b), both, len(onlyA), len(onlyB))
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
		fmt.Println("  only osv-scanner:", s)
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
