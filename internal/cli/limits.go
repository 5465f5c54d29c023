package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/limits"
)

// addLimitFlags adds the budget flags to a command that reads untrusted
// input. The run's limits are built from them and fourc.yaml in
// (*globals).runLimits.
func addLimitFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	d := limits.Default()
	f.Duration("max-time-per-input", 0, fmt.Sprintf("wall-clock budget of one input: a chart, an overlay, a Terraform module, a file, an image, a request (default %s)", d.PerInput))
	f.String("max-file-size", "", fmt.Sprintf("largest file read whole, e.g. 64MiB (default %s)", limits.Bytes(d.FileBytes)))
	f.StringArray("limit", nil, "set any budget as NAME=VALUE, e.g. render-steps=1000000 (names in docs/limits.md)")
}

// runLimits builds the limits of a run: defaults, then fourc.yaml's
// limits: section, then --limit, then the dedicated flags.
func runLimits(cmd *cobra.Command, cfg *config.Config) (limits.Limits, error) {
	l := cfg.Limits.Limits
	f := cmd.Flags()
	sets, _ := f.GetStringArray("limit")
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			return l, usageError{Err: fmt.Errorf("--limit %q: want NAME=VALUE", s)}
		}
		if err := config.SetLimit(&l, strings.TrimSpace(name), value); err != nil {
			return l, usageError{Err: fmt.Errorf("--limit: %w", err)}
		}
	}
	// The dedicated flags count when set on the command line or from
	// fourc.yaml's key of the same name: by value, not by Changed.
	if d, _ := f.GetDuration("max-time-per-input"); d != 0 || f.Changed("max-time-per-input") {
		if d <= 0 {
			return l, usageError{Err: fmt.Errorf("--max-time-per-input must be positive, got %s", d)}
		}
		l.PerInput = d
	}
	if s, _ := f.GetString("max-file-size"); s != "" || f.Changed("max-file-size") {
		if err := config.SetLimit(&l, "file-bytes", s); err != nil {
			return l, usageError{Err: fmt.Errorf("--max-file-size: %w", err)}
		}
	}
	return l.Normalize(), nil
}

// withLimits puts the run's limits in the command's context, once, before
// the command runs. Commands without budget flags keep the defaults.
func (g *globals) withLimits(cmd *cobra.Command) error {
	if cmd.Flags().Lookup("limit") == nil {
		return nil
	}
	l, err := runLimits(cmd, g.cfg)
	if err != nil {
		return err
	}
	g.logger.Debug("limits", "per-input", l.PerInput, "file-bytes", l.FileBytes)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cmd.SetContext(limits.With(ctx, l))
	return nil
}
