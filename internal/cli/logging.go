package cli

import (
	"io"
	"log"
	"log/slog"

	"k8s.io/klog/v2"
)

// newLogger builds fourc's one logger and routes the loggers of the
// libraries fourc uses through it: the standard log package (Helm and
// others print through it), slog's default and klog (client-go). So
// --quiet silences them all, unless --log-level debug asks for
// everything. The text handler quotes values and messages that hold
// control characters, so nothing a scanned input says reaches the
// terminal raw.
func newLogger(w io.Writer, lvl slog.Level, quiet bool) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl})
	if quiet && lvl > slog.LevelDebug {
		h = slog.DiscardHandler
	}
	l := slog.New(h)
	// These are process-wide by nature (the libraries hold them); fourc
	// sets them once per run, before any scanner starts.
	slog.SetDefault(l)
	log.SetFlags(0)
	klog.SetSlogLogger(l)
	return l
}
