//go:build ignore

// Sbomscan matches an SBOM against a fourc database with fourc's own
// packages (sbom.ReadFile, vuln.Scanner.Findings) and prints the findings
// as fourc's JSON report does. The benchmark uses it while the CLI has no
// `fourc sbom scan` yet; it does the same work that command wires.
//
//	go run sbomscan.go -db fourc.db bench.cdx.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/fourc-dev/fourc/internal/sbom"
	"github.com/fourc-dev/fourc/internal/vuln"
)

func main() {
	db := flag.String("db", "", "database file")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: sbomscan -db FILE SBOM")
	}
	pkgs, _, err := sbom.ReadFile(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	s, err := vuln.NewScanner(vuln.Options{DBPath: *db})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fs, err := s.Findings(context.Background(), pkgs)
	if err != nil {
		log.Fatal(err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"findings": fs}); err != nil {
		log.Fatal(err)
	}
}
