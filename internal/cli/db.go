package cli

import (
	"encoding/json"
	"fmt"
	"strings"

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
			return vulndb.WriteStatus(cmd.OutOrStdout(), st, g.now())
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
			return vulndb.WriteStatus(cmd.OutOrStdout(), st, g.now())
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
				return vulndb.WriteStatus(cmd.OutOrStdout(), st, g.now())
			}
			return usageError{Err: fmt.Errorf("--format %q is not one of table, json", format)}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	cmd.Flags().BoolVar(&verify, "verify", false, "check every record against the stored checksum")
	return cmd
}
