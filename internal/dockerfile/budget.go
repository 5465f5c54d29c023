package dockerfile

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
)

// Budgets of one Dockerfile, on top of the run's limits (see
// docs/limits.md). Real Dockerfiles are a few KB with a handful of stages
// and scripts of a few hundred bytes; these bounds are far above that and
// keep the worst file to well under a second and 100 MB.
const (
	// maxFileBytes caps a Dockerfile (or limits.FileBytes, if lower): one
	// over 2 MiB is generated or hostile, not written.
	maxFileBytes = 2 << 20
	// maxStages caps the FROM instructions of one file; several checks
	// follow each stage's lineage, so their work grows with the square of
	// this.
	maxStages = 1000
	// maxScriptBytes and maxChain bound the scripts given to the shell
	// parser, whose parse tree (walked recursively) grows deeper with each
	// pipe and && of a chain. A longer script is split on shell operators
	// instead (see splitPipelines): its commands are still checked.
	maxScriptBytes = 64 << 10
	maxChain       = 1000
	// maxCommands caps the shell commands one RUN instruction executes:
	// some checks compare each command with the others of its RUN.
	maxCommands = 5000
	// scriptWork bounds the shell code parsed for one file, as a multiple
	// of the file's size: `sh -c` scripts nested in command substitutions
	// are parsed once per level, which hostile nesting turns polynomial.
	scriptWork = 8
)

// budget is the state of one Parse against its budgets.
type budget struct {
	ctx      context.Context
	perInput time.Duration
	depth    int // limits.Depth: nesting of shell substitutions and groups
	work     int // bytes of shell code the file may still have parsed
	err      error
}

func newBudget(ctx context.Context, size int) *budget {
	l := limits.From(ctx)
	return &budget{ctx: ctx, perInput: l.PerInput, depth: l.Depth, work: scriptWork*size + maxScriptBytes}
}

// ok reports whether the parse may go on: no budget exceeded and the
// context not done (a deadline reads as the PerInput budget).
func (b *budget) ok() bool {
	if b.err == nil && b.ctx.Err() != nil {
		b.err = limits.Exceeded("parsing", b.perInput)
		if b.ctx.Err() == context.Canceled {
			b.err = b.ctx.Err()
		}
	}
	return b.err == nil
}

// spend takes n bytes of shell parsing from the budget.
func (b *budget) spend(n int) bool {
	b.work -= n
	if b.work < 0 && b.err == nil {
		b.err = limits.Exceeded("shell parsing", fmt.Sprintf("%d times the file's size", scriptWork))
	}
	return b.ok()
}

// commands checks the commands of one RUN against maxCommands.
func (b *budget) commands(ps []Pipeline) bool {
	n := 0
	for _, p := range ps {
		n += len(p)
	}
	if n > maxCommands && b.err == nil {
		b.err = limits.Exceeded("shell commands in one RUN", maxCommands)
	}
	return b.ok()
}

// nested checks the nesting of shell code (parentheses and braces, so
// command substitutions, subshells, groups and ${...}) against the depth
// budget, before a recursive parser sees it.
func (b *budget) nested(code string) bool {
	if d := nesting(code); d > b.depth && b.err == nil {
		b.err = limits.Exceeded("shell nesting depth", b.depth)
	}
	return b.ok()
}

// nesting returns the deepest nesting of ( and { in code, without
// recursion. It ignores quotes, so it may only overestimate.
func nesting(code string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '(', '{':
			depth++
			deepest = max(deepest, depth)
		case ')', '}':
			depth = max(0, depth-1)
		}
	}
	return deepest
}

// chain returns the number of | and && in code: an upper bound on the
// length of its longest pipeline or and-or list.
func chain(code string) int {
	return strings.Count(code, "|") + strings.Count(code, "&&")
}
