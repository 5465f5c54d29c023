package deps

import (
	"strconv"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// checks returns every dependency check, in ID order.
func checks() []check.Check[dependency] {
	return []check.Check[dependency]{
		checkGoUnused(),
		checkGoTestOnly(),
		checkNPMUnused(),
		checkNPMTestOnly(),
	}
}

// Checks returns the catalogue of the dependency checks.
func Checks() []check.Meta { return check.Metas(checks()) }

func cwe(n int) finding.Reference {
	return finding.Reference{
		Source: "CWE-" + strconv.Itoa(n),
		URL:    "https://cwe.mitre.org/data/definitions/" + strconv.Itoa(n) + ".html",
	}
}
