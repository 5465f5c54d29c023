package vex_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fourc-dev/fourc/internal/vex"
)

func ExampleStatements_Applies() {
	doc := `{
	  "@context": "https://openvex.dev/ns/v0.2.0",
	  "@id": "https://example.com/vex/1",
	  "author": "security@example.com",
	  "timestamp": "2026-11-01T00:00:00Z",
	  "version": 1,
	  "statements": [{
	    "vulnerability": {"name": "CVE-2023-39325"},
	    "products": [{"@id": "pkg:golang/golang.org/x/net"}],
	    "status": "not_affected",
	    "justification": "vulnerable_code_not_in_execute_path"
	  }]
	}`
	dir, err := os.MkdirTemp("", "vex")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vex.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		panic(err)
	}
	s, err := vex.Load(path)
	if err != nil {
		panic(err)
	}
	status, why, ok := s.Applies("CVE-2023-39325", "pkg:golang/golang.org/x/net@v0.16.0")
	fmt.Println(status, why, ok, status.Suppresses())
	// Output: not_affected vulnerable_code_not_in_execute_path true true
}
