package pipeline

import (
	"errors"
	"fmt"
)

// ErrFindings is Publish's error when a gate (--fail-on, --fail-on-new) is
// met: the command exits with code 1 and prints nothing more.
var ErrFindings = errors.New("findings at or above the --fail-on severity")

// SkippedError is Publish's error under --fail-on-skipped when inputs were
// skipped: exit code 1, with the error as the one line said.
type SkippedError struct{ N int }

func (e SkippedError) Error() string {
	return fmt.Sprintf("%d inputs skipped and --fail-on-skipped is set", e.N)
}

// UsageError marks an error in how the command was called (a bad flag or
// config value): the command line prints a pointer to --help after it.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }
