package engine

import (
	"context"
	"io/fs"
	"log/slog"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// unitBudget bounds the wall-clock time of one scan unit.
type unitBudget struct {
	perInput time.Duration
	grace    time.Duration
}

type unitResult struct {
	findings []finding.Finding
	assets   []finding.Asset
	skipped  []finding.Skipped
}

// run gives the unit a context that expires after perInput and waits for
// it at most perInput+grace. A scanner that observes its context returns in
// time and reports what the deadline cost it. One that does not is
// abandoned: its goroutine keeps running until it returns by itself (Go
// cannot stop it), its late results are dropped, and the unit is recorded
// as skipped with "budget: scanning exceeded <perInput>". When the run's
// context is cancelled (an interrupt), run returns at once with nothing.
func (b unitBudget) run(ctx context.Context, fsys fs.FS, j job, log *slog.Logger) ([]finding.Finding, []finding.Asset, []finding.Skipped) {
	uctx, cancel := context.WithTimeout(ctx, b.perInput)
	defer cancel()
	done := make(chan unitResult, 1) // buffered: an abandoned unit never blocks on send
	go func() {
		f, a, s := runJob(uctx, fsys, j, log)
		done <- unitResult{f, a, s}
	}()
	backstop := time.NewTimer(b.perInput + b.grace)
	defer backstop.Stop()
	select {
	case r := <-done:
		if uctx.Err() != nil && ctx.Err() == nil && len(r.skipped) == 0 {
			// The scanner stopped at the deadline without saying so: what
			// it returned may be partial.
			r.skipped = []finding.Skipped{exceeded(j, b.perInput)}
		}
		return r.findings, r.assets, r.skipped
	case <-ctx.Done():
		return nil, nil, nil
	case <-backstop.C:
		log.Warn("scan unit abandoned after its deadline", "scanner", j.scanner.Name(), "unit", j.unit, "budget", b.perInput)
		return nil, nil, []finding.Skipped{exceeded(j, b.perInput)}
	}
}

func exceeded(j job, d time.Duration) finding.Skipped {
	return finding.Skipped{Path: j.unit, Scanner: j.scanner.Name(), Reason: limits.Exceeded("scanning", d).Error()}
}
