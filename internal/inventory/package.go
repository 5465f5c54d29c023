// Package inventory lists the software packages a source tree declares or
// ships: lockfiles and manifests of every major language ecosystem and the
// build information of compiled Go binaries. Extraction is done by
// osv-scalibr's extractors, run over the scan's fs.FS; this package adds the
// declaring line and whether a dependency is direct.
package inventory

import (
	"strings"
)

// Package is one package at one version, found in one file.
type Package struct {
	// Name is the package's name in its ecosystem, e.g. "golang.org/x/net",
	// "@babel/core", "org.apache.logging.log4j:log4j-core".
	Name string `json:"name"`
	// Version is the version as the ecosystem writes it (Go versions have no
	// leading "v").
	Version string `json:"version"`
	// Ecosystem is the OSV ecosystem name, e.g. "Go", "npm", "PyPI",
	// "Maven", "crates.io", "RubyGems", "Packagist", "NuGet", "Debian:12".
	Ecosystem string `json:"ecosystem"`
	// PURL is the package URL, e.g. "pkg:golang/golang.org/x/net@v0.17.0".
	PURL string `json:"purl,omitempty"`
	// Location is the file (and line, when known) that declares the package.
	Location Location `json:"location"`
	// Relationship says whether the declaring project depends on the
	// package directly.
	Relationship Relationship `json:"relationship,omitempty"`
	// Source names what found the package: a scalibr extractor ("go/gomod")
	// or "sbom".
	Source string `json:"source,omitempty"`
}

// Location points at the declaration of a package.
type Location struct {
	// Path is slash-separated and relative to the scan root (or the SBOM
	// file's name).
	Path string `json:"path"`
	// Line is 1-based, zero when unknown.
	Line int `json:"line,omitempty"`
}

// Relationship is how a project depends on a package.
type Relationship string

// Relationships. The empty value means the input does not say.
const (
	RelationshipUnknown    Relationship = ""
	RelationshipDirect     Relationship = "direct"
	RelationshipTransitive Relationship = "transitive"
)

// Kind returns the resource kind fourc uses for packages of the
// ecosystem, e.g. "go-module", "npm-package", "pypi-package".
func (p Package) Kind() string {
	switch base, _, _ := strings.Cut(p.Ecosystem, ":"); base {
	case "Go":
		return "go-module"
	case "npm":
		return "npm-package"
	case "PyPI":
		return "pypi-package"
	case "Maven":
		return "maven-package"
	case "crates.io":
		return "crate"
	case "RubyGems":
		return "gem"
	case "Packagist":
		return "composer-package"
	case "NuGet":
		return "nuget-package"
	case "":
		return "package"
	default:
		return strings.ToLower(base) + "-package"
	}
}

// String formats the package as "name@version".
func (p Package) String() string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + "@" + p.Version
}
