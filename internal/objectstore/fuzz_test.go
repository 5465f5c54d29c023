package objectstore

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParsePolicy feeds arbitrary documents to the bucket policy parser
// and the public-access check built on it: neither may panic, and a
// parsed policy must describe every public statement.
func FuzzParsePolicy(f *testing.F) {
	files, _ := filepath.Glob("testdata/checks/FC-S3-006/*/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	for _, seed := range []string{
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`,
		`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["a","b"]},"NotAction":["s3:*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
		`{"Statement":[null,{}]}`,
		`{"Statement":[{"Principal":{"AWS":null}}]}`,
		`{"Statement":null}`,
		`{}`,
		`null`,
	} {
		f.Add(seed)
	}
	c := checkPublicPolicy()
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePolicy(doc)
		b := &Bucket{Name: "fuzz", Policy: Setting[string]{Status: Known, Value: doc}}
		got := c.Eval(b)
		if err != nil {
			if p != nil {
				t.Fatalf("parsePolicy returned a policy and error %v", err)
			}
			if len(got) > 0 {
				t.Fatalf("check fired on a policy that does not parse: %v", got)
			}
			return
		}
		public := 0
		for _, s := range p.Statements {
			if s.publicGrant() != "" {
				public++
			}
		}
		if public != len(got) {
			t.Fatalf("%d public statements, %d violations", public, len(got))
		}
	})
}
