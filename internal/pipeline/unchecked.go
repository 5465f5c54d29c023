package pipeline

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// maxListed bounds how many unchecked packages one skipped entry names.
const maxListed = 40

// UncheckedPackages finds the packages whose ecosystem the database holds
// no records for — they were not checked at all — and returns one notice
// and one skipped entry per such ecosystem, naming the packages and the
// command that downloads the missing data.
func UncheckedPackages(db *vulndb.DB, pkgs []inventory.Package) ([]string, []finding.Skipped) {
	if db == nil {
		return nil, nil
	}
	by := map[string][]string{}
	for _, p := range pkgs {
		if p.Ecosystem == "" || p.Name == "" || db.Covers(p.Ecosystem) {
			continue
		}
		by[p.Ecosystem] = append(by[p.Ecosystem], p.Name+" "+p.Version)
	}
	var notices []string
	var skipped []finding.Skipped
	for _, eco := range slices.SortedFunc(maps.Keys(by), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(by[b]), len(by[a])), cmp.Compare(a, b))
	}) {
		names := by[eco]
		slices.Sort(names)
		names = slices.Compact(names)
		fix := fmt.Sprintf("run `fourc db update --ecosystem %s`", shellWord(vulndb.BaseEcosystem(eco)))
		notices = append(notices, fmt.Sprintf("%d %s packages not checked: %s", len(names), eco, fix))
		listed := names[:min(len(names), maxListed)]
		reason := fmt.Sprintf("not checked: the vulnerability database has no %s records (%s): %s", eco, fix, strings.Join(listed, ", "))
		if more := len(names) - len(listed); more > 0 {
			reason += fmt.Sprintf(" and %d more", more)
		}
		skipped = append(skipped, finding.Skipped{
			Path:    fmt.Sprintf("%d %s packages", len(names), eco),
			Scanner: "vuln",
			Reason:  reason,
		})
	}
	return notices, skipped
}

// shellWord quotes an ecosystem name with a space ("Red Hat") for a
// command line.
func shellWord(s string) string {
	if strings.ContainsAny(s, " '\"") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
