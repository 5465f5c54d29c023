package vulndb

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteStatus writes a database's status as `fourc db status` shows it:
// path, age, records per ecosystem, sources, ecosystems with no data, and
// a warning once it is older than StaleAfter.
func WriteStatus(w io.Writer, st Status, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "database\t%s\n", st.Path)
	fmt.Fprintf(tw, "built\t%s (%s old)\n", st.BuiltAt.UTC().Format(time.RFC3339), Age(st.Age(now)))
	fmt.Fprintf(tw, "records\t%d\n", st.Records)
	ecos := make([]string, 0, len(st.Ecosystems))
	for e := range st.Ecosystems {
		ecos = append(ecos, e)
	}
	slices.Sort(ecos)
	for _, e := range ecos {
		fmt.Fprintf(tw, "  %s\t%d\n", e, st.Ecosystems[e])
	}
	for _, s := range st.Sources {
		fmt.Fprintf(tw, "source\t%d records from %s (read %s)\n", s.Records, s.Origin, s.FetchedAt.UTC().Format(time.RFC3339))
	}
	if len(st.Unavailable) > 0 {
		fmt.Fprintf(tw, "unavailable\t%s: the server has no export of them\n", strings.Join(st.Unavailable, ", "))
	}
	if missing := missingEcosystems(st); len(missing) > 0 {
		fmt.Fprintf(tw, "no data\t%s: their packages are not checked; 'fourc db update' downloads them\n", strings.Join(missing, ", "))
	}
	if st.Stale(now, StaleAfter) {
		fmt.Fprintf(tw, "warning\tthe database is older than %d days; run 'fourc db update'\n", int(StaleAfter.Hours()/24))
	}
	return tw.Flush()
}

// missingEcosystems lists the default ecosystems (languages and Linux
// distributions) the database holds no records for.
func missingEcosystems(st Status) []string {
	have := map[string]bool{}
	for e, n := range st.Ecosystems {
		if n > 0 {
			have[BaseEcosystem(e)] = true
		}
	}
	var out []string
	for _, e := range append(DefaultEcosystems(), OSEcosystems()...) {
		if !have[e] {
			out = append(out, e)
		}
	}
	return out
}
