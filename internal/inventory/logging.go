package inventory

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	scalibrlog "github.com/google/osv-scalibr/log"
)

// maxLogMessage caps one message logged on scalibr's behalf.
const maxLogMessage = 512

// RouteLibraryLogs sends osv-scalibr's logging to l, at debug level
// whatever level scalibr uses: scalibr logs every file it cannot parse
// (thousands of lines for one garbage lockfile), and fourc already reports
// those files as skipped entries. Messages quote file content, so control
// characters are escaped (a crafted lockfile cannot retitle or clear the
// terminal) and each message is cut to a few hundred bytes.
//
// scalibr's logger is process-wide: the CLI calls this once, when it has
// built its logger. A nil l discards scalibr's logging.
func RouteLibraryLogs(l *slog.Logger) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	scalibrlog.SetLogger(libraryLogger{l})
}

// libraryLogger implements scalibr's Logger over slog.
type libraryLogger struct{ l *slog.Logger }

func (g libraryLogger) log(level string, msg string) {
	if !g.l.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	g.l.Debug(Sanitize(msg, maxLogMessage), "from", "osv-scalibr", "level", level)
}

func (g libraryLogger) Errorf(format string, args ...any) {
	g.log("error", fmt.Sprintf(format, args...))
}
func (g libraryLogger) Error(args ...any)                { g.log("error", fmt.Sprint(args...)) }
func (g libraryLogger) Warnf(format string, args ...any) { g.log("warn", fmt.Sprintf(format, args...)) }
func (g libraryLogger) Warn(args ...any)                 { g.log("warn", fmt.Sprint(args...)) }
func (g libraryLogger) Infof(format string, args ...any) { g.log("info", fmt.Sprintf(format, args...)) }
func (g libraryLogger) Info(args ...any)                 { g.log("info", fmt.Sprint(args...)) }
func (g libraryLogger) Debugf(format string, args ...any) {
	g.log("debug", fmt.Sprintf(format, args...))
}
func (g libraryLogger) Debug(args ...any) { g.log("debug", fmt.Sprint(args...)) }

// Sanitize makes text taken from a file safe to print on a terminal:
// control characters (C0, DEL, C1, which include the escape sequences that
// move the cursor, clear the screen or set the window title) and invalid
// UTF-8 are escaped as \xNN or \u00NN, and the result is cut to at most
// max bytes (max <= 0: no cut).
func Sanitize(s string, max int) string {
	var b strings.Builder
	for i, r := range s {
		if max > 0 && b.Len() >= max {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError && invalidAt(s, i):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// invalidAt reports whether s holds an invalid UTF-8 byte at i (rather
// than an encoded U+FFFD).
func invalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}
