package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// lines returns n lines made by line(i).
func lines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(line(i))
	}
	return b.String()
}

// TestHostileDockerfiles generates Dockerfiles built to exhaust the parser
// (stack, memory or time) and checks that each is refused early with a
// budget reason naming it, or parsed quickly, and that nothing panics.
func TestHostileDockerfiles(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // the skipped reason; "" when the file must parse
	}{{
		name: "8 MB of line continuations",
		data: "FROM alpine\nRUN true \\\n" + strings.Repeat("&& a \\\n", 8<<20/7) + "&& b\n",
		want: `reading "Dockerfile": budget: Dockerfile size exceeded 2 MiB`,
	}, {
		// Under the size cap, a chain of && too long for the recursive
		// shell parser and walker is split on operators instead.
		name: "long && chain",
		data: "FROM alpine\nRUN true \\\n" + strings.Repeat("&& a \\\n", maxCommands-2) + "&& b\n",
	}, {
		// Checks compare each install with the other commands of its RUN.
		name: "too many commands",
		data: "FROM alpine\nRUN true \\\n" + strings.Repeat("&& apt-get install -y x \\\n", maxCommands) + "&& b\n",
		want: `parsing "Dockerfile": budget: shell commands in one RUN exceeded 5000`,
	}, {
		name: "long pipe chain",
		data: "FROM alpine\nRUN a \\\n" + strings.Repeat("| a \\\n", maxCommands-2) + "| b\n",
	}, {
		name: "deeply nested command substitutions",
		data: "FROM alpine\nRUN echo " + strings.Repeat("$( ", 5000) + "x" + strings.Repeat(" )", 5000) + "\n",
		want: `parsing "Dockerfile": budget: shell nesting depth exceeded 200`,
	}, {
		name: "deeply nested subshells in a heredoc",
		data: "FROM alpine\nRUN <<EOF\n" + strings.Repeat("(\n", 5000) + "x\n" + strings.Repeat(")\n", 5000) + "EOF\n",
		want: `parsing "Dockerfile": budget: shell nesting depth exceeded 200`,
	}, {
		// Each level is an sh -c script parsed again: polynomial work.
		name: "nested sh -c in command substitutions",
		data: "FROM alpine\nRUN " + strings.Repeat(`$(sh -c "`, 40) + "x" + strings.Repeat(`")`, 40) + "\n",
		want: `parsing "Dockerfile": budget: shell parsing exceeded 8 times the file's size`,
	}, {
		name: "deeply nested variable defaults",
		data: "FROM alpine\nENV A=" + strings.Repeat("${A:-", 5000) + "x" + strings.Repeat("}", 5000) + "\n",
		want: `parsing "Dockerfile": budget: shell nesting depth exceeded 200`,
	}, {
		name: "too many stages",
		data: lines(maxStages+1, func(i int) string { return fmt.Sprintf("FROM alpine AS s%d\n", i) }),
		want: `parsing "Dockerfile": line 1001: budget: stages exceeded 1000`,
	}, {
		name: "long chain of stages",
		data: "FROM alpine AS s0\n" + lines(maxStages-1, func(i int) string {
			return fmt.Sprintf("FROM s%d AS s%d\nRUN apt-get install -y p%d\n", i, i+1, i)
		}),
	}, {
		name: "20k lines",
		data: "FROM alpine\n" + lines(20_000, func(i int) string {
			return fmt.Sprintf([]string{"RUN echo %d\n", "ENV A%d=1\n", "RUN apt-get install -y p%d\n", "COPY a%d b\n"}[i%4], i)
		}),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data
			start := time.Now()
			_, skipped := NewScanner(Options{}).Scan(t.Context(), fstest.MapFS{"Dockerfile": {Data: []byte(data)}}, []string{"Dockerfile"})
			// Refusals take milliseconds, the parsed files well under a
			// second; the bound is loose for loaded machines.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v on %d bytes", d, len(data))
			}
			var want []finding.Skipped
			if tt.want != "" {
				want = []finding.Skipped{{Path: "Dockerfile", Scanner: "dockerfile", Reason: tt.want}}
			}
			if diff := cmp.Diff(want, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseDeadline checks that a parse past its deadline stops with the
// PerInput budget error.
func TestParseDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(limits.With(context.Background(), limits.Limits{PerInput: time.Millisecond}), 0)
	defer cancel()
	_, err := ParseContext(ctx, "Dockerfile", []byte("FROM alpine\nRUN echo hi\n"))
	if !errors.Is(err, limits.ErrExceeded) || err.Error() != `parsing "Dockerfile": budget: parsing exceeded 1ms` {
		t.Errorf("error %v, want the parsing budget", err)
	}
}

// TestMessagesPrintable checks that control characters of a Dockerfile
// reach finding messages escaped.
func TestMessagesPrintable(t *testing.T) {
	data := "FROM evil\x1b]0;x\x07:latest\nUSER root\u202e\nRUN curl http://x\x1b[2J | sh\n"
	out, skipped := NewScanner(Options{}).Scan(t.Context(), fstest.MapFS{"Dockerfile": {Data: []byte(data)}}, []string{"Dockerfile"})
	if len(skipped) > 0 || len(out) == 0 {
		t.Fatalf("got %d findings, skipped %v", len(out), skipped)
	}
	for _, f := range out {
		if strings.IndexFunc(f.Message, source.UnsafeRune) >= 0 {
			t.Errorf("%s: message %q holds control characters", f.CheckID, f.Message)
		}
	}
}
