// Package progress is the vocabulary long steps use to say how far they
// are: a labelled count, with bytes when bytes are what takes the time.
// The packages that do the work report through the context; the command
// line decides whether and how to show it. Reporting only stores a value:
// it never blocks and costs next to nothing, so the work may report as
// often as it likes. Standard library only.
package progress

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Event is where one long step stands at one moment.
type Event struct {
	// Step names the step as the user knows it: "image shop:1.0",
	// "scan examples/shop", "reachability".
	Step string
	// Done counts what the step has finished and Total what it has in
	// all (zero: not known yet); Unit names them, plural ("layers",
	// "files", "units", "modules").
	Done, Total int
	Unit        string
	// Bytes counts the bytes read so far and TotalBytes all there are
	// (zero: not known), when bytes are what takes the time.
	Bytes, TotalBytes int64
	// Now says what is running at this moment, e.g. "rendering Helm
	// chart charts/api".
	Now string
}

// String is the event as one line: "image shop:1.0: 2/7 layers ·
// 212/730 MB", "scan shop: 20/21 units · rendering Helm chart charts/api".
func (e Event) String() string {
	var parts []string
	switch {
	case e.Total > 0:
		parts = append(parts, join(strconv.Itoa(e.Done)+"/"+strconv.Itoa(e.Total), e.Unit))
	case e.Done > 0 || e.Unit != "":
		parts = append(parts, join(strconv.Itoa(e.Done), e.Unit))
	}
	switch {
	case e.TotalBytes > 0:
		parts = append(parts, ByteRatio(e.Bytes, e.TotalBytes))
	case e.Bytes > 0:
		parts = append(parts, Bytes(e.Bytes))
	}
	if e.Now != "" {
		parts = append(parts, e.Now)
	}
	line := strings.Join(parts, " · ")
	switch {
	case e.Step == "":
		return line
	case line == "":
		return e.Step
	}
	return e.Step + ": " + line
}

func join(n, unit string) string {
	if unit == "" {
		return n
	}
	return n + " " + unit
}

// Bytes is a size for a progress line: "512 B", "3.4 MB", "212 MB".
func Bytes(n int64) string {
	v, unit := scale(n, n)
	return v + " " + unit
}

// ByteRatio is done over total in the total's unit: "212/730 MB".
func ByteRatio(done, total int64) string {
	d, _ := scale(done, total)
	t, unit := scale(total, total)
	return d + "/" + t + " " + unit
}

// scale writes n in the decimal unit that suits ref.
func scale(n, ref int64) (string, string) {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	div, i := int64(1), 0
	for ref >= div*1000 && i < len(units)-1 {
		div *= 1000
		i++
	}
	if i == 0 {
		return strconv.FormatInt(n, 10), units[0]
	}
	f := float64(n) / float64(div)
	if float64(ref)/float64(div) < 10 {
		return fmt.Sprintf("%.1f", f), units[i]
	}
	return strconv.FormatInt(int64(f), 10), units[i]
}

// Reporter receives the events of long steps. Report must be safe for
// concurrent use and return at once.
type Reporter interface {
	Report(Event)
}

type reporterKey struct{}
type labelKey struct{}

// WithReporter returns ctx carrying r; a nil r takes any reporter away
// (work whose events would only confuse the line, such as one unit among
// many, runs under such a context).
func WithReporter(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, reporterKey{}, r)
}

// From returns the reporter ctx carries, or one that discards events:
// never nil.
func From(ctx context.Context) Reporter {
	if r, ok := ctx.Value(reporterKey{}).(Reporter); ok && r != nil {
		return r
	}
	return discard{}
}

// Enabled reports whether anyone listens to ctx's events, for work that
// must compute something only to report it.
func Enabled(ctx context.Context) bool {
	r, ok := ctx.Value(reporterKey{}).(Reporter)
	return ok && r != nil
}

// Report sends e to the reporter of ctx, if any.
func Report(ctx context.Context, e Event) { From(ctx).Report(e) }

type discard struct{}

func (discard) Report(Event) {}

// WithLabel returns ctx on which [Label] calls set; the engine gives each
// unit of a scan one, so that a scanner can say which part of its unit is
// running ("rendering Helm chart charts/api").
func WithLabel(ctx context.Context, set func(string)) context.Context {
	return context.WithValue(ctx, labelKey{}, set)
}

// Label says what the work running under ctx is doing now, when the step
// around it listens; otherwise it does nothing.
func Label(ctx context.Context, what string) {
	if set, ok := ctx.Value(labelKey{}).(func(string)); ok && set != nil {
		set(what)
	}
}
