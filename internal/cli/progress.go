package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/fourc-dev/fourc/internal/pipeline"
)

// progress draws a bar on stderr when it is a terminal and --quiet is off;
// otherwise it does nothing.
type progress struct {
	bar *progressbar.ProgressBar
}

func (g *globals) progress(what string) *progress {
	if g.quiet || !isTerminal(g.stderr) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

func (p *progress) update(done, total int) {
	if p.bar == nil {
		return
	}
	if p.bar.GetMax() != total {
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Set(done)
}

// describe changes the label of the bar.
func (p *progress) describe(what string) {
	if p.bar != nil {
		p.bar.Describe(what)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// byteProgress is a progress bar over bytes (downloads).
func (g *globals) byteProgress(what string) *byteBar {
	if g.quiet || !isTerminal(g.stderr) {
		return &byteBar{}
	}
	return &byteBar{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

type byteBar struct {
	bar *progressbar.ProgressBar
}

func (b *byteBar) update(done, total int64) {
	if b.bar == nil {
		return
	}
	if total > 0 && b.bar.GetMax64() != total {
		b.bar.ChangeMax64(total)
	}
	_ = b.bar.Set64(done)
}

func (b *byteBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}

// step starts a progress step for the pipeline.
func (g *globals) step(what string) pipeline.Progress { return stepProgress{g.progress(what)} }

// stepProgress is a progress line as the pipeline drives it.
type stepProgress struct{ p *progress }

func (s stepProgress) Update(done, total int) { s.p.update(done, total) }
func (s stepProgress) Describe(what string)   { s.p.describe(what) }
func (s stepProgress) Finish()                { s.p.finish() }
