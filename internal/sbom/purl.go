package sbom

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/fourc-dev/fourc/internal/inventory"
)

// fromPURL turns a package URL into a package: OSV ecosystem, the name as
// that ecosystem spells it, and the version. ok is false for a PURL that
// does not parse or names no package.
func fromPURL(s string) (inventory.Package, bool) {
	u, err := packageurl.FromString(s)
	if err != nil || u.Name == "" {
		return inventory.Package{}, false
	}
	p := inventory.Package{Name: u.Name, Version: u.Version, PURL: s}
	joined := u.Name
	if u.Namespace != "" {
		joined = u.Namespace + "/" + u.Name
	}
	q := u.Qualifiers.Map()
	switch u.Type {
	case packageurl.TypeGolang:
		p.Ecosystem, p.Name, p.Version = "Go", joined, strings.TrimPrefix(u.Version, "v")
	case packageurl.TypeNPM:
		p.Ecosystem, p.Name = "npm", joined
	case packageurl.TypePyPi:
		p.Ecosystem = "PyPI"
	case packageurl.TypeMaven:
		p.Ecosystem = "Maven"
		if u.Namespace != "" {
			p.Name = u.Namespace + ":" + u.Name
		}
	case packageurl.TypeCargo:
		p.Ecosystem = "crates.io"
	case packageurl.TypeGem:
		p.Ecosystem = "RubyGems"
	case packageurl.TypeComposer:
		p.Ecosystem, p.Name = "Packagist", joined
	case packageurl.TypeNuget:
		p.Ecosystem = "NuGet"
	case packageurl.TypeHex:
		p.Ecosystem = "Hex"
	case "pub":
		p.Ecosystem = "Pub"
	case packageurl.TypeHackage:
		p.Ecosystem = "Hackage"
	case packageurl.TypeCran:
		p.Ecosystem = "CRAN"
	case packageurl.TypeDebian:
		p.Ecosystem = distroEcosystem(u.Namespace, q["distro"])
	case packageurl.TypeApk:
		p.Ecosystem = distroEcosystem(u.Namespace, q["distro"])
	default:
		p.Ecosystem = "" // known to the SBOM, not to OSV matching
	}
	return p, true
}

// distroEcosystem maps a deb/apk PURL namespace and distro qualifier to an
// OSV ecosystem: ("debian", "debian-12") is "Debian:12", ("alpine",
// "3.20.1") is "Alpine:v3.20", ("ubuntu", "ubuntu-22.04") is "Ubuntu:22.04".
func distroEcosystem(namespace, distro string) string {
	release := distro
	if i := strings.LastIndex(distro, "-"); i >= 0 {
		release = distro[i+1:]
	}
	switch strings.ToLower(namespace) {
	case "debian":
		if release == "" {
			return "Debian"
		}
		major, _, _ := strings.Cut(release, ".")
		return "Debian:" + major
	case "ubuntu":
		if release == "" {
			return "Ubuntu"
		}
		return "Ubuntu:" + release
	case "alpine":
		parts := strings.Split(strings.TrimPrefix(release, "v"), ".")
		if len(parts) < 2 {
			return "Alpine"
		}
		return "Alpine:v" + parts[0] + "." + parts[1]
	case "wolfi":
		return "Wolfi"
	case "chainguard":
		return "Chainguard"
	}
	return ""
}
