package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/catalogue"
	"github.com/fourc-dev/fourc/internal/coverage"
)

// newDocsCommand prints the generated reference pages: docs/checks.md,
// docs/coverage.md and docs/configuration.md are its output, and tests
// fail when they differ.
func newDocsCommand() *cobra.Command {
	return &cobra.Command{
		Use:       "docs checks|coverage|configuration",
		Short:     "Print a generated reference page (the check catalogue, the cloud coverage or the fourc.yaml keys) as Markdown",
		Hidden:    true,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"checks", "coverage", "configuration"},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "checks":
				reg, err := registry()
				if err != nil {
					return fmt.Errorf("check catalogue: %w", err)
				}
				return catalogue.Markdown(out, reg.All())
			case "coverage":
				reg, err := registry()
				if err != nil {
					return fmt.Errorf("check catalogue: %w", err)
				}
				return coverage.Markdown(out, reg.All())
			case "configuration":
				return writeConfigMarkdown(out, cmd.Root())
			}
			return usageError{Err: fmt.Errorf("docs %q: want checks, coverage or configuration", args[0])}
		},
	}
}
