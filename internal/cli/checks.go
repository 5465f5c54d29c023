package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/catalogue"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func newChecksCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "Work with the catalogue of checks",
	}
	var format, layer string
	list := &cobra.Command{
		Use:   "list",
		Short: "List every check fourc runs, with its ID, severity and layer",
		Example: `  fourc checks list
  fourc checks list --layer cluster --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := registry()
			if err != nil {
				return fmt.Errorf("check catalogue: %w", err)
			}
			checks := reg.All()
			if layer != "" {
				l, err := finding.ParseLayer(layer)
				if err != nil {
					return usageError{Err: fmt.Errorf("--layer: %w", err)}
				}
				var sel []check.Meta
				for _, c := range checks {
					if c.Layer == l {
						sel = append(sel, c)
					}
				}
				checks = sel
			}
			out := cmd.OutOrStdout()
			switch format {
			case "table":
				return writeChecksTable(out, checks)
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(checks)
			case "markdown":
				return catalogue.Markdown(out, checks)
			}
			return usageError{Err: fmt.Errorf("--format %q is not one of table, json, markdown", format)}
		},
	}
	list.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json or markdown")
	list.Flags().StringVar(&layer, "layer", "", "only checks of this layer: code, container, cluster or cloud")
	cmd.AddCommand(list)
	return cmd
}

func writeChecksTable(w io.Writer, checks []check.Meta) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLAYER\tSEVERITY\tTITLE")
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Layer, c.Severity, c.Title)
	}
	return tw.Flush()
}
