package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressBar draws a bar on stderr when it is a terminal and --quiet is off;
// otherwise it does nothing.
type progressBar struct {
	bar *progressbar.ProgressBar
}

func (g *globals) progress(what string) *progressBar {
	if g.quiet || !isTerminal(g.stderr) {
		return &progressBar{}
	}
	return &progressBar{bar: progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

func (p *progressBar) finish() {
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
