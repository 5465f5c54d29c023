package sbom_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/sbom"
)

func ExampleDecode() {
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
	  {"type": "library", "name": "golang.org/x/net", "version": "v0.16.0", "purl": "pkg:golang/golang.org/x/net@v0.16.0"},
	  {"type": "library", "name": "Django", "version": "3.2.12", "purl": "pkg:pypi/django@3.2.12"}]}`
	d, err := sbom.Decode(context.Background(), strings.NewReader(doc), "bom.json")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Format)
	for _, p := range d.Packages {
		fmt.Println(p.Ecosystem, p.Name, p.Version)
	}
	// Output:
	// cyclonedx
	// Go golang.org/x/net 0.16.0
	// PyPI Django 3.2.12
}
