package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/report"
)

// registerCompletions offers the values of the flags that take one of a
// known set (formats, scanners, severities, layers) and the contexts and
// namespaces of the kubeconfig, on every command that has the flag.
func registerCompletions(root *cobra.Command) {
	var severities []string
	for _, s := range finding.Severities() {
		severities = append(severities, strings.ToLower(s.String()))
	}
	fixed := map[string][]string{
		"scanners":    scannerNames,
		"severity":    severities,
		"fail-on":     severities,
		"fail-on-new": severities,
		"layer":       {"code", "container", "cluster", "cloud"},
		"sort":        {"priority", "severity"},
		"log-level":   {"debug", "info", "warn", "error"},
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, values := range fixed {
			if c.Flag(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, listValues(values, name == "scanners" || name == "severity"))
			}
		}
		if f := c.Flag("format"); f != nil {
			_ = c.RegisterFlagCompletionFunc("format", listValues(formatValues(f.Usage), false))
		}
		if c.Flag("context") != nil && c.Flag("kubeconfig") != nil {
			_ = c.RegisterFlagCompletionFunc("context", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
				kc, _ := cmd.Flags().GetString("kubeconfig")
				return cluster.KubeContexts(kc), cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.Flag("namespace") != nil && c.Flag("kubeconfig") != nil {
			_ = c.RegisterFlagCompletionFunc("namespace", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
				kc, _ := cmd.Flags().GetString("kubeconfig")
				ctx, _ := cmd.Flags().GetString("context")
				return cluster.KubeNamespaces(kc, ctx), cobra.ShellCompDirectiveNoFileComp
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// formatValues reads the formats a --format flag takes from its help,
// which lists them after the last colon ("output format: table, json or
// markdown"); a report command's help lists [report.Formats].
func formatValues(usage string) []string {
	i := strings.LastIndex(usage, ": ")
	if i < 0 {
		return report.Formats()
	}
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(usage[i+2:], " or ", ", "), ", ") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// listValues completes one value of values, or, for a comma-separated
// list, the next one after those already typed.
func listValues(values []string, list bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		prefix := ""
		if i := strings.LastIndex(toComplete, ","); list && i >= 0 {
			prefix = toComplete[:i+1]
		}
		out := make([]string, 0, len(values))
		for _, v := range values {
			out = append(out, prefix+v)
		}
		dir := cobra.ShellCompDirectiveNoFileComp
		if list {
			dir |= cobra.ShellCompDirectiveNoSpace
		}
		return out, dir
	}
}
