package engine

import (
	"context"
	"strconv"
	"sync"

	"github.com/fourc-dev/fourc/internal/progress"
)

// Describer is implemented by scanners that can say in words what the scan
// of one unit does, for the progress line: "evaluating Terraform module
// infra". Without it a unit reads "<scanner> <unit>".
type Describer interface {
	Describe(unit string) string
}

// walkReportEvery is how many files the walk counts between two events.
const walkReportEvery = 64

// tracker turns a run into progress events: the files the walk has seen,
// then the units done over the total and the label of the oldest unit
// still running, the one the user is waiting for. A scanner refines its
// unit's label with progress.Label ("rendering Helm chart charts/api").
type tracker struct {
	r    progress.Reporter
	step string

	mu      sync.Mutex
	done    int
	total   int
	running map[int]string // job index → label
}

func newTracker(ctx context.Context, step string) *tracker {
	if step == "" {
		step = "scan"
	}
	return &tracker{r: progress.From(ctx), step: step, running: map[int]string{}}
}

// walked reports the files the walk has found so far.
func (t *tracker) walked(files int) {
	t.r.Report(progress.Event{Step: t.step, Done: files, Unit: "files found"})
}

// planned starts the count of units.
func (t *tracker) planned(total int) {
	t.mu.Lock()
	t.total = total
	t.reportLocked()
	t.mu.Unlock()
}

// unitContext is the context a unit runs under: its label can be set, and
// it carries no reporter of its own (one unit's events would overwrite
// the run's line).
func (t *tracker) unitContext(ctx context.Context, i int, j job) context.Context {
	t.mu.Lock()
	t.running[i] = describe(j)
	t.reportLocked()
	t.mu.Unlock()
	ctx = progress.WithReporter(ctx, nil)
	return progress.WithLabel(ctx, func(what string) { t.label(i, what) })
}

// label changes the label of unit i while it runs (a unit given up may
// still call it: that is ignored).
func (t *tracker) label(i int, what string) {
	t.mu.Lock()
	if _, ok := t.running[i]; ok && what != "" {
		t.running[i] = what
		t.reportLocked()
	}
	t.mu.Unlock()
}

// finished records that unit i returned (or was given up).
func (t *tracker) finished(i int) {
	t.mu.Lock()
	delete(t.running, i)
	t.done++
	t.reportLocked()
	t.mu.Unlock()
}

func (t *tracker) reportLocked() {
	oldest, label := -1, ""
	for i, l := range t.running {
		if oldest < 0 || i < oldest {
			oldest, label = i, l
		}
	}
	if n := len(t.running); n > 1 {
		label += " (and " + strconv.Itoa(n-1) + " more)"
	}
	t.r.Report(progress.Event{Step: t.step, Done: t.done, Total: t.total, Unit: "units", Now: label})
}

// describe is the label of a job before its scanner says more.
func describe(j job) string {
	if d, ok := j.scanner.(Describer); ok {
		if s := d.Describe(j.unit); s != "" {
			return s
		}
	}
	return j.scanner.Name() + " " + j.unit
}
