package pipeline

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/finding"
)

// TestPublishExitReason: a table whose run fails ends with the reason, and
// one whose run succeeds says nothing of an exit status.
func TestPublishExitReason(t *testing.T) {
	dir := t.TempDir()
	fs, checks := fixture()
	in := Input{Target: "shop", Findings: fs, Checks: checks, FS: fstest.MapFS{}}
	tests := []struct {
		opts Options
		want *regexp.Regexp
	}{
		{Options{FailOn: "high"}, regexp.MustCompile(`\n\nexit 1: \d+ findings? at or above HIGH \(--fail-on high\)\n$`)},
		{Options{FailOnSkipped: true}, regexp.MustCompile(`\n\nexit 1: 1 input skipped \(--fail-on-skipped\)\n$`)},
		{Options{}, nil},
	}
	for _, tt := range tests {
		p, err := NewPlan(tt.opts, dir)
		if err != nil {
			t.Fatal(err)
		}
		in := in
		if tt.opts.FailOnSkipped {
			in.Skipped = append(in.Skipped, fixtureSkipped())
		}
		var stdout, stderr bytes.Buffer
		err = p.Publish(context.Background(), in, env(&stdout, &stderr))
		out := stdout.String()
		if tt.want == nil {
			if err != nil || strings.Contains(out, "exit 1") {
				t.Errorf("%+v: err %v, output names an exit status:\n%s", tt.opts, err, out)
			}
			continue
		}
		if err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("%+v: err %v, want a failing status", tt.opts, err)
		}
		if !tt.want.MatchString(out) {
			t.Errorf("%+v: output does not end with %s:\n%s", tt.opts, tt.want, out[max(len(out)-300, 0):])
		}
	}
}

func fixtureSkipped() finding.Skipped {
	return finding.Skipped{Path: "x", Scanner: "kube", Reason: "malformed"}
}
