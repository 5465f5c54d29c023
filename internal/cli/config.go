package cli

import (
	"io"
	"reflect"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// configAnnotation marks the commands whose flags fourc.yaml sets: every
// flag of such a command has a top-level key of the same name.
const configAnnotation = "fourc.dev/config"

// configured marks cmd as taking its flag defaults from fourc.yaml.
func configured(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[configAnnotation] = "flags"
	return cmd
}

func isConfigured(cmd *cobra.Command) bool { return cmd.Annotations[configAnnotation] != "" }

// readConfig reads fourc.yaml once, before a command that uses it runs: a
// command whose flags it sets, or one with budget flags (its limits:
// section). Every key must be a section or a flag of some configured
// command; the running command's flags not given on the command line are
// set from their keys. Other commands never read the file.
func (g *globals) readConfig(cmd *cobra.Command) error {
	if !isConfigured(cmd) && cmd.Flags().Lookup("limit") == nil {
		return nil
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	if err := cfg.CheckKeys(configKeys(cmd.Root())); err != nil {
		return usageError{Err: err}
	}
	if isConfigured(cmd) {
		if err := cfg.ApplyFlags(cmd.Flags()); err != nil {
			return usageError{Err: err}
		}
	}
	g.cfg = cfg
	return nil
}

func (g *globals) loadConfig() (*config.Config, error) {
	if g.configFile != "" {
		return config.Load(g.configFile, true)
	}
	return config.Load(config.DefaultFile, false)
}

// configFlags returns the flags of a configured command that fourc.yaml
// sets, sorted by name: its own and those it inherits from its parents,
// but not the root's (--config, --quiet, --log-level, --no-color), which
// are read before the file.
func configFlags(cmd *cobra.Command) []*pflag.Flag {
	root := cmd.Root().PersistentFlags()
	var out []*pflag.Flag
	add := func(f *pflag.Flag) {
		if f.Name == "help" || root.Lookup(f.Name) != nil || slices.Contains(out, f) {
			return
		}
		out = append(out, f)
	}
	cmd.LocalFlags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	slices.SortFunc(out, func(a, b *pflag.Flag) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// configuredCommands returns every configured command under root, in the order
// of the command tree.
func configuredCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if isConfigured(c) {
			out = append(out, c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// configKeys lists the flag keys fourc.yaml accepts: the flags of every
// configured command.
func configKeys(root *cobra.Command) []string {
	var keys []string
	for _, c := range configuredCommands(root) {
		for _, f := range configFlags(c) {
			if !slices.Contains(keys, f.Name) {
				keys = append(keys, f.Name)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// writeConfigMarkdown renders docs/configuration.md from the flags of the
// configured commands, the source fourc.yaml's keys are derived from.
func writeConfigMarkdown(w io.Writer, root *cobra.Command) error {
	var cmds []config.Command
	for _, c := range configuredCommands(root) {
		dc := config.Command{Path: c.CommandPath(), Short: c.Short}
		for _, f := range configFlags(c) {
			dc.Keys = append(dc.Keys, config.Key{Name: f.Name, Type: f.Value.Type(), Default: f.DefValue, Help: f.Usage})
		}
		cmds = append(cmds, dc)
	}
	var ruleKeys []string
	for k := range strictyaml.Fields(reflect.TypeFor[secret.RuleConfig]()) {
		ruleKeys = append(ruleKeys, k)
	}
	return config.WriteMarkdown(w, cmds, ruleKeys)
}
