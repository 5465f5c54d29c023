package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/vulndb"
)

func newDBCommand(g *globals) *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the vulnerability database (OSV data)",
		Long: `Manage fourc's local vulnerability database, built from OSV records.
The database lives at $FOURC_DB, or under the user cache directory; --db names
another file. Updates are atomic: a failed update leaves the old database.`,
	}
	cmd.PersistentFlags().StringVar(&dbPath, "db", "", "database file (default: $FOURC_DB or the user cache directory)")
	path := func() (string, error) {
		if dbPath != "" {
			return dbPath, nil
		}
		return vulndb.DefaultPath()
	}
	cmd.AddCommand(newDBUpdateCommand(g, path), newDBImportCommand(g, path), newDBStatusCommand(g, path))
	return cmd
}

func newDBUpdateCommand(g *globals, path func() (string, error)) *cobra.Command {
	var baseURL string
	var ecosystems []string
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download OSV exports and rebuild the database",
		Example: `  fourc db update
  fourc db update --ecosystem Go --ecosystem npm
  fourc db update --ecosystem Debian --ecosystem 'Red Hat'
  fourc db update --base-url https://mirror.example.com/osv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := path()
			if err != nil {
				return err
			}
			bar := g.byteProgress("downloading OSV data")
			st, err := vulndb.Update(cmd.Context(), p, vulndb.UpdateOptions{
				BaseURL:    baseURL,
				Ecosystems: ecosystems,
				Progress:   bar.update,
				Now:        g.now,
			})
			bar.finish()
			if err != nil {
				return fmt.Errorf("updating the vulnerability database: %w", err)
			}
			return writeStatus(cmd.OutOrStdout(), st, g.now())
		},
	}
	cmd.Flags().StringVar(&baseURL, "base-url", "", "where <Ecosystem>/all.zip files are served (default: OSV's public exports)")
	cmd.Flags().StringSliceVar(&ecosystems, "ecosystem", nil, "ecosystems to download, as OSV names them (default: "+strings.Join(append(vulndb.DefaultEcosystems(), vulndb.OSEcosystems()...), ", ")+", and any other the current database holds)")
	return cmd
}

func newDBImportCommand(g *globals, path func() (string, error)) *cobra.Command {
	var starter bool
	cmd := &cobra.Command{
		Use:   "import [DIR|ZIP|FILE]",
		Short: "Import local OSV records (for machines without network access)",
		Long: `Import OSV JSON records from a directory (searched recursively), a zip or
one file. Alpine security database files (secdb JSON or YAML, also Wolfi's
and Chainguard's) are imported as OSV records.
With --starter, import the real Go vulnerability records of the pinned
` + vulndb.StarterModule + ` module, fetched through the Go module
proxy (or taken from the local module cache) by the go command.`,
		Example: `  fourc db import --starter
  fourc db import ./osv-mirror/
  fourc db import Go-all.zip
  fourc db import ./alpine-secdb/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if starter == (len(args) == 1) {
				return usageError{Err: fmt.Errorf("name a directory or zip to import, or use --starter")}
			}
			p, err := path()
			if err != nil {
				return err
			}
			var st vulndb.Status
			if starter {
				st, err = vulndb.ImportStarter(cmd.Context(), p, g.now)
			} else if st, err = vulndb.Import(cmd.Context(), p, args[0], vulndb.ImportOptions{Now: g.now}); err != nil {
				err = fmt.Errorf("importing %q: %w", args[0], err)
			}
			if err != nil {
				return err
			}
			return writeStatus(cmd.OutOrStdout(), st, g.now())
		},
	}
	cmd.Flags().BoolVar(&starter, "starter", false, "import the pinned Go vulnerability database module")
	return cmd
}

func newDBStatusCommand(g *globals, path func() (string, error)) *cobra.Command {
	var format string
	var verify bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the database's age, sources and record counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := path()
			if err != nil {
				return err
			}
			db, err := vulndb.Open(p)
			if err != nil {
				return vulndb.OpenError(p, err)
			}
			defer db.Close()
			if verify {
				if err := db.Verify(); err != nil {
					return vulndb.OpenError(p, err)
				}
			}
			st := db.Status()
			switch format {
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			case "table":
				return writeStatus(cmd.OutOrStdout(), st, g.now())
			}
			return usageError{Err: fmt.Errorf("--format %q is not one of table, json", format)}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	cmd.Flags().BoolVar(&verify, "verify", false, "check every record against the stored checksum")
	return cmd
}

func writeStatus(w io.Writer, st vulndb.Status, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "database\t%s\n", st.Path)
	fmt.Fprintf(tw, "built\t%s (%s old)\n", st.BuiltAt.UTC().Format(time.RFC3339), vulndb.Age(st.Age(now)))
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
	if st.Stale(now, vulndb.StaleAfter) {
		fmt.Fprintf(tw, "warning\tthe database is older than %d days; run 'fourc db update'\n", int(vulndb.StaleAfter.Hours()/24))
	}
	return tw.Flush()
}

// missingEcosystems lists the default ecosystems (languages and Linux
// distributions) the database holds no records for.
func missingEcosystems(st vulndb.Status) []string {
	have := map[string]bool{}
	for e, n := range st.Ecosystems {
		if n > 0 {
			have[vulndb.BaseEcosystem(e)] = true
		}
	}
	var out []string
	for _, e := range append(vulndb.DefaultEcosystems(), vulndb.OSEcosystems()...) {
		if !have[e] {
			out = append(out, e)
		}
	}
	return out
}
