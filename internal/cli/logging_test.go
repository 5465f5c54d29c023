package cli

import (
	"bytes"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// TestLoggerQuietAndSafe: library logs (the standard log package, slog's
// default) go through fourc's logger, --quiet silences them unless the
// level is debug, and control characters from inputs are escaped.
func TestLoggerQuietAndSafe(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	for _, tc := range []struct {
		name  string
		lvl   slog.Level
		quiet bool
		want  bool
	}{
		{"default level", slog.LevelInfo, false, true},
		{"quiet", slog.LevelInfo, true, false},
		{"quiet at debug", slog.LevelDebug, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			l := newLogger(&b, tc.lvl, tc.quiet)
			log.Printf("helm says \x1b[31mred\x07")
			slog.Info("library", "value", "a\rb")
			l.Info("fourc", "path", "x\x1b]0;title\x07")
			out := b.String()
			if got := out != ""; got != tc.want {
				t.Fatalf("output %q, want some: %v", out, tc.want)
			}
			if strings.ContainsAny(out, "\x1b\x07\r") {
				t.Errorf("control characters reached the terminal: %q", out)
			}
			if tc.want && (!strings.Contains(out, "helm says") || !strings.Contains(out, "library")) {
				t.Errorf("library logs missing: %q", out)
			}
		})
	}
}
