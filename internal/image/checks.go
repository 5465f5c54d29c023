package image

import (
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// The subjects the image checks inspect.

// configSubject is the image configuration.
type configSubject struct {
	Config *v1.ConfigFile
	// Passwd is /etc/passwd from the image, to resolve a user name to a
	// UID; nil when the image has none.
	Passwd []byte
}

// osSubject is the image's operating system on a given day.
type osSubject struct {
	OS  OS
	Now time.Time
}

// Target is how the image was reached.
type Target struct {
	// Ref is what the user gave.
	Ref string `json:"ref"`
	// Kind is the source kind.
	Kind Kind `json:"kind"`
	// Insecure is set when the registry was reached over plain HTTP.
	Insecure bool `json:"insecure,omitempty"`
}

// configChecks inspect the image configuration.
func configChecks() []check.Check[configSubject] {
	return []check.Check[configSubject]{checkRootUser(), checkRiskyPorts(), checkNoHealthcheck()}
}

// fileChecks inspect each file of the merged view.
func fileChecks() []check.Check[FileInfo] {
	return []check.Check[FileInfo]{checkSetuidFile(), checkWorldWritable()}
}

// targetChecks inspect how the image was referenced and reached.
func targetChecks() []check.Check[Target] {
	return []check.Check[Target]{checkTagOnly(), checkPlainHTTP()}
}

// Checks returns the catalogue of the image checks.
func Checks() []check.Meta {
	var out []check.Meta
	out = append(out, check.Metas(configChecks())...)
	out = append(out, check.Metas(fileChecks())...)
	out = append(out, checkOSEOL().Meta)
	out = append(out, check.Metas(targetChecks())...)
	out = append(out, checkVulnerablePackage().Meta)
	out = append(out, checkDiffIDMismatch().Meta)
	return out
}

// vulnerablePackage is not a pure check over one subject: it reports the
// matches of the vulnerability database for the packages the image ships.
func checkVulnerablePackage() check.Check[vuln.Vulnerability] {
	return check.Check[vuln.Vulnerability]{
		Meta: check.New(
			"FC-IMG-009",
			"Image ships a package with a known vulnerability",
			finding.SeverityMedium,
			finding.LayerContainer,
			"An OS or language package, or a Go binary's module, in the image has a published vulnerability; the finding names the layer and build step that added it.",
			"Upgrade the package to the fixed version (rebuild on a patched base image, or bump the dependency and rebuild the binary).",
			finding.Reference{Source: "NIST SP 800-190 4.1.1", URL: "https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-190.pdf"},
			finding.Reference{Source: "CWE-1395"},
		),
		Eval: func(v vuln.Vulnerability) []check.Violation {
			return []check.Violation{{Discriminator: v.ID}}
		},
	}
}
