// Package cli is fourc's command line: one file per command, options in
// structs, output through the command's writers. It is the only package
// that uses cobra; everything it does is delegated to the engine, the
// scanners and the report writers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/report"
)

// Exit codes, as documented in the README.
const (
	ExitOK       = 0 // no findings at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // usage or runtime error
)

// errFindings signals exit code 1 without printing an error.
var errFindings = pipeline.ErrFindings

// usageError marks errors in how the command was called.
type usageError = pipeline.UsageError

// globals are the flags every command shares.
type globals struct {
	configFile string
	quiet      bool
	logLevel   string
	noColor    bool

	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// shown is the progress line on stderr while one is shown.
	shown  atomic.Pointer[statusLine]
	now    func() time.Time
	logger *slog.Logger
	// cfg is fourc.yaml, read once before a command that uses it runs.
	cfg *config.Config
}

// Run executes the command line and returns the process exit code. Only
// main turns it into an exit.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr, now: clock()}
	root := newRootCommand(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.As(err, new(pipeline.SkippedError)):
		fmt.Fprintf(stderr, "fourc: %s\n", err)
		return ExitFindings
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Interrupted: main has said so in one line.
		return ExitError
	default:
		msg, usage := explain(root, args, err)
		fmt.Fprintf(stderr, "fourc: %s\n", report.Clean(msg))
		if usage {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", commandPath(root, args))
		}
		return ExitError
	}
}

func newRootCommand(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "fourc",
		Short: "Audit cloud-native systems across Code, Container, Cluster and Cloud",
		Long: `fourc audits cloud-native systems across the four layers of defence in depth —
Code, Container, Cluster and Cloud — and tells you where the holes are and what
to fix first. It works offline. Report formats (--format): ` + strings.Join(report.Formats(), ", ") + `.`,
		Example: `  fourc scan .                                  # a source tree, all four layers
  fourc scan . --format sarif --output fourc.sarif --fail-on high
  fourc image ghcr.io/acme/api:1.4.2            # a container image
  fourc k8s --context prod -A                   # a live cluster (read-only)
  fourc k8s who-can get secrets -n payments
  fourc host /                                  # a node's root filesystem
  fourc s3 --endpoint https://s3.example.com    # S3-compatible buckets
  fourc sbom app.tar --format cyclonedx`,
		Version:            Version(),
		DisableSuggestions: true,
		SilenceUsage:       true,
		SilenceErrors:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.setup(); err != nil {
				return err
			}
			if err := g.readConfig(cmd); err != nil {
				return err
			}
			return g.withLimits(cmd)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{Err: err} })
	root.SetVersionTemplate("fourc {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&g.configFile, "config", "", "read defaults from this config file (default: ./fourc.yaml when present)")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "print no progress or notices on stderr")
	pf.StringVar(&g.logLevel, "log-level", "warn", "log level on stderr: debug, info, warn or error")
	pf.BoolVar(&g.noColor, "no-color", false, "never colour the output")
	root.AddCommand(
		newScanCommand(g), newImageCommand(g), newK8sCommand(g), newHostCommand(g), newS3Command(g),
		newSBOMCommand(g), newDBCommand(g), newChecksCommand(g), newVersionCommand(g), newDocsCommand(),
	)
	registerCompletions(root)
	return root
}

// setup builds the logger once flags are parsed.
func (g *globals) setup() error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
		return usageError{Err: fmt.Errorf("invalid --log-level %q (want debug, info, warn or error)", g.logLevel)}
	}
	g.logger = newLogger(logWriter{g}, lvl, g.quiet)
	inventory.RouteLibraryLogs(g.logger)
	return nil
}

// clock returns the time source: SOURCE_DATE_EPOCH when set (reproducible
// reports), the real clock otherwise.
func clock() func() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			t := time.Unix(sec, 0).UTC()
			return func() time.Time { return t }
		}
	}
	return time.Now
}

// oneLine keeps an error to one line: joined errors are separated by "; ".
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// commandPath is the command line's command, "fourc" for the root or when
// the command is not known.
func commandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil {
		return root.CommandPath()
	}
	return cmd.CommandPath()
}

// unknownCommand matches cobra's `unknown command "X" for "fourc k8s"`.
var unknownCommand = regexp.MustCompile(`^unknown command "([^"]*)" for "([^"]*)"`)

// explain renders err on one line for a person and says whether a pointer
// to the command's help should follow: an unknown command names the
// commands it may be a typo of.
func explain(root *cobra.Command, args []string, err error) (string, bool) {
	var ue usageError
	usage := errors.As(err, &ue)
	m := unknownCommand.FindStringSubmatch(err.Error())
	if m == nil {
		return oneLine(err), usage
	}
	parent, _, ferr := root.Find(args)
	if ferr != nil || parent == nil {
		parent = root
	}
	msg := fmt.Sprintf("unknown command %q for %q", m[1], m[2])
	parent.SuggestionsMinimumDistance = 2
	var quoted []string
	for _, s := range parent.SuggestionsFor(m[1]) {
		quoted = append(quoted, strconv.Quote(s))
	}
	if len(quoted) > 0 {
		msg += " (did you mean " + strings.Join(quoted, " or ") + "?)"
	}
	return msg, true
}
