package iac

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// testLimits are budgets small enough that each hostile input is refused
// in well under a second.
func testLimits(ctx context.Context) context.Context {
	return limits.With(ctx, limits.Limits{
		PerInput:           5 * time.Second,
		Depth:              200,
		CollectionElements: 100_000,
		EvalSteps:          1_000_000,
	})
}

// doubling returns locals that double a value n times with the given
// step, e.g. "concat(%[1]s, %[1]s)".
func doubling(first, step string, n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  a0 = " + first + "\n")
	for i := 1; i <= n; i++ {
		prev := fmt.Sprintf("local.a%d", i-1)
		fmt.Fprintf(&b, "  a%d = %s\n", i, fmt.Sprintf(step, prev))
	}
	fmt.Fprintf(&b, "}\nresource \"aws_ebs_volume\" \"v\" { encrypted = length(local.a%d) > 0 }\n", n)
	return b.String()
}

// longString makes local.b2 a string of 45,000 bytes, within the test
// budgets.
const longString = `locals {
  b1 = join("", [for j in range(300) : "b"])
  b2 = join("", [for i in range(150) : local.b1])
}
`

func nested(open, inner, closing string, n int) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(closing, n)
}

// hostileModules are Terraform sources that used to hang fourc, exhaust
// its memory or overflow its stack, each with the budget it must hit.
func hostileModules() []struct{ name, file, src, want string } {
	const deep = 500_000
	return []struct{ name, file, src, want string }{
		{"nested for over range", "main.tf",
			`locals { x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]] }`,
			"budget: collection size exceeded"},
		{"for over literal lists", "main.tf",
			"locals {\n  l = [" + strings.Repeat("1,", 300) + "]\n  x = [for a in local.l : [for b in local.l : [for c in local.l : c]]]\n}",
			"budget: collection size exceeded"},
		{"list doubling", "main.tf", doubling(`["x"]`, "concat(%[1]s, %[1]s)", 30), "budget: "},
		{"tuple doubling", "main.tf", doubling(`["x"]`, "[%[1]s, %[1]s]", 60), "budget: "},
		{"string doubling", "main.tf", doubling(`"x"`, `"${%[1]s}${%[1]s}"`, 40), "budget: collection size exceeded"},
		{"join doubling", "main.tf", doubling(`"x"`, `join(%[1]s, ["", "", ""])`, 40), "budget: collection size exceeded"},
		{"huge range", "main.tf", `locals { x = range(1000000000000) }`, "budget: collection size exceeded"},
		{"huge indent", "main.tf", "locals { x = indent(100000000, \"a\\nb\\nc\") }", "budget: collection size exceeded"},
		{"huge replace", "main.tf", longString + `locals { x = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/a*/", local.b2) }`, "budget: collection size exceeded"},
		{"huge formatlist", "main.tf", longString + `locals { x = formatlist(local.b2, range(50)) }`, "budget: collection size exceeded"},
		{"nested try", "main.tf", "locals { x = " + nested("try(", "1", ", 2)", 150) + " }", ""},
		{"deep jsondecode", "main.tf", `locals { x = jsondecode(join("", [for i in range(300) : "["])) }`, "budget: JSON depth exceeded 200"},
		{"deep parentheses", "main.tf", "locals { x = " + nested("(", "1", ")", deep) + " }", "budget: expression depth exceeded 200"},
		{"deep lists", "main.tf", "locals { x = " + nested("[", "1", "]", deep) + " }", "budget: expression depth exceeded 200"},
		{"deep objects", "main.tf", "locals { x = " + nested("{a = ", "1", "}", deep) + " }", "budget: expression depth exceeded 200"},
		{"deep blocks", "main.tf", "resource \"aws_s3_bucket\" \"b\" {\n" + nested("a {\n", "", "}\n", deep) + "}\n", "budget: expression depth exceeded 200"},
		{"deep templates", "main.tf", "locals { x = " + nested(`"${`, "1", `}"`, deep) + " }", "budget: expression depth exceeded 200"},
		{"deep heredoc", "main.tf", "locals {\n  x = <<EOT\n" + nested("${", "1", "}", deep) + "\nEOT\n}\n", "budget: expression depth exceeded 200"},
		{"deep directives", "main.tf", "locals { x = \"" + nested("%{ if true }", "x", "%{ endif }", deep/5) + "\" }", "budget: expression depth exceeded 200"},
		{"long binary chain", "main.tf", "locals { x = 1" + strings.Repeat(" + 1", deep) + " }", "budget: expression depth exceeded 200"},
		{"long minus chain", "main.tf", "locals { x = 1" + strings.Repeat("-1", deep) + " }", "budget: expression depth exceeded 200"},
		{"long unary chain", "main.tf", "locals { x = " + strings.Repeat("!", deep) + "true }", "budget: expression depth exceeded 200"},
		{"long conditional chain", "main.tf", "locals { x = " + strings.Repeat("true ? 1 : ", deep) + "2 }", "budget: expression depth exceeded 200"},
		{"deep JSON syntax", "main.tf.json", `{"locals": ` + nested(`{"a": `, "1", "}", deep) + "}", "budget: expression depth exceeded 200"},
		{"deep template in JSON syntax", "main.tf.json", `{"locals": {"x": "` + nested("${(", "1", ")}", deep) + `"}}`, "budget: expression depth exceeded 200"},
		{"binary chain in JSON syntax", "main.tf.json", `{"locals": {"x": "${1` + strings.Repeat("+1", deep) + `}"}}`, "budget: expression depth exceeded 200"},
		{"nested for in JSON syntax", "main.tf.json",
			`{"locals": {"l": [` + strings.TrimSuffix(strings.Repeat("1,", 1024), ",") + `], "x": "${[for a in local.l : [for b in local.l : [for c in local.l : c]]]}"}}`,
			"budget: for expressions in one JSON string exceeded 1"},
	}
}

// TestHostileModules checks that each hostile module is refused quickly,
// without a panic, with one skipped entry naming its directory and the
// budget, and that the other modules of the scan are still scanned.
func TestHostileModules(t *testing.T) {
	for _, tc := range hostileModules() {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"bad/" + tc.file: {Data: []byte(tc.src)},
				"good/main.tf":   {Data: []byte(`resource "aws_ebs_volume" "v" { encrypted = false }`)},
			}
			s := NewScanner(Options{})
			ctx := testLimits(t.Context())
			start := time.Now()
			_, skipped := s.Scan(ctx, fsys, []string{"bad/" + tc.file})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("scan took %v", d)
			}
			if tc.want == "" {
				return
			}
			if !hasSkip(skipped, "bad", tc.want) {
				t.Errorf("skipped = %v, want an entry for %q with %q", skipped, "bad", tc.want)
			}
			findings, _ := s.Scan(ctx, fsys, []string{"good/main.tf"})
			if len(findings) == 0 {
				t.Error("the good module has no findings after the bad one")
			}
		})
	}
}

func hasSkip(skipped []finding.Skipped, path, reason string) bool {
	for _, s := range skipped {
		if s.Path == path && s.Scanner == scannerName && strings.Contains(s.Reason, reason) {
			return true
		}
	}
	return false
}

// TestHostileMemory checks that the growing cases allocate an amount
// bounded by the budgets in total (and so at their peak).
func TestHostileMemory(t *testing.T) {
	for _, tc := range hostileModules()[:6] {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"m/main.tf": {Data: []byte(tc.src)}}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, skipped := NewScanner(Options{}).Scan(testLimits(t.Context()), fsys, []string{"m/main.tf"})
			runtime.ReadMemStats(&after)
			if !hasSkip(skipped, "m", "budget: ") {
				t.Errorf("skipped = %v, want a budget entry for %q", skipped, "m")
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 512<<20 {
				t.Errorf("allocated %s in total, want at most 512 MiB", limits.Bytes(int64(got)))
			}
		})
	}
}

// TestEvaluationStopsOnCancel checks that evaluation returns within a
// second of its context being cancelled, with budgets that would let it
// run for minutes.
func TestEvaluationStopsOnCancel(t *testing.T) {
	fsys := fstest.MapFS{"m/main.tf": {Data: []byte(hostileModules()[0].src)}}
	ctx, cancel := context.WithCancel(limits.With(t.Context(), limits.Limits{
		PerInput:           time.Hour,
		CollectionElements: 1 << 40,
		EvalSteps:          1 << 40,
	}))
	done := make(chan []finding.Skipped)
	go func() {
		_, sk := NewScanner(Options{}).Scan(ctx, fsys, []string{"m/main.tf"})
		done <- sk
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	cancelled := time.Now()
	select {
	case sk := <-done:
		if d := time.Since(cancelled); d > time.Second {
			t.Errorf("returned %v after cancellation", d)
		}
		if !hasSkip(sk, "m", "context canceled") {
			t.Errorf("skipped = %v, want the cancellation", sk)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("evaluation still running 5s after cancellation")
	}
}

// TestEvaluationDeadline checks the per-input deadline.
func TestEvaluationDeadline(t *testing.T) {
	fsys := fstest.MapFS{"m/main.tf": {Data: []byte(hostileModules()[0].src)}}
	ctx := limits.With(t.Context(), limits.Limits{
		PerInput:           200 * time.Millisecond,
		CollectionElements: 1 << 40,
		EvalSteps:          1 << 40,
	})
	start := time.Now()
	_, sk := NewScanner(Options{}).Scan(ctx, fsys, []string{"m/main.tf"})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 200ms deadline", d)
	}
	if !hasSkip(sk, "m", "budget: evaluation time exceeded 200ms") {
		t.Errorf("skipped = %v, want the deadline", sk)
	}
}

// TestBudgetsAllowRealModules checks that the budgets leave ordinary
// configurations alone: loops, templates and functions of a realistic
// size evaluate to known values.
func TestBudgetsAllowRealModules(t *testing.T) {
	src := `
locals {
  azs     = ["a", "b", "c"]
  subnets = [for i, az in local.azs : { name = "s-${az}", index = i }]
  names   = join(",", [for s in local.subnets : s.name])
  ports   = flatten([for p in range(0, 100) : [p, p + 1000]])
  policy  = jsonencode({ Statement = [for n in range(50) : { Sid = format("s%03d", n) }] })
  tagged  = try(local.missing, "fallback")
}
resource "aws_ebs_volume" "v" { encrypted = length(local.ports) == 200 && local.tagged == "fallback" && local.names == "s-a,s-b,s-c" }
`
	m, sk := LoadModule(testLimits(t.Context()), fstest.MapFS{"main.tf": {Data: []byte(src)}}, ".")
	if len(sk) != 0 {
		t.Fatalf("skipped = %v", sk)
	}
	if len(m.AWS.EBSVolumes) != 1 || !m.AWS.EBSVolumes[0].Encrypted.Is(true) {
		t.Errorf("volumes = %+v, want one, known to be encrypted", m.AWS.EBSVolumes)
	}
}

// TestJSONSyntaxEscapes checks that an interpolation spelled with JSON
// escapes is scanned like any other.
func TestJSONSyntaxEscapes(t *testing.T) {
	src := `{"locals": {"x": "` + nested(`\u0024\u007b(`, "1", ")}", 5000) + `"}}`
	if err := checkJSONSyntax([]byte(src), 200); err == nil {
		t.Error("escaped deep template accepted")
	}
}

// TestHCLDepthScan checks the pre-scan on what must not count as nesting
// (strings, comments, heredocs, escapes, items of a list) and on what must.
func TestHCLDepthScan(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool
	}{
		{"brackets in a string", `x = "(((((((((((["`, false},
		{"brackets in comments", "# ((((((((\n// [[[[[[[[\n/* {{{{{{{{ */\nx = 1", false},
		{"brackets in a heredoc", "x = <<EOT\n((((((((((\nEOT\ny = 1", false},
		{"indented heredoc", "x = <<-EOT\n  [[[[[[[[[[\n  EOT\n", false},
		{"escaped interpolation", `x = "$${((((((((((( %%{ if"`, false},
		{"list items", "x = [-1, -2, -3, -4, -5, -6, !a, !b, c ? 1 : 2, d ? 3 : 4]", false},
		{"one operator per line", "x = 1 + 2\ny = 3 + 4\nz = 5 + 6\nw = -7\n", false},
		{"dashes in names", "x = local.a-b-c-d-e-f-g-h", false},
		{"shallow module", "resource \"a\" \"b\" {\n  c {\n    d = \"${f}\"\n  }\n}\n", false},
		{"parentheses", "x = ((((((1))))))", true},
		{"blocks", "a { b { c { d { e { f {} } } } } }", true},
		{"templates", `x = "${"${"${1}"}"}"`, true},
		{"heredoc interpolations", "x = <<EOT\n${((((1))))}\nEOT\n", true},
		{"directives", `x = "%{if a}%{if b}%{if c}%{if d}x%{endif}%{endif}%{endif}%{endif}"`, true},
		{"prefix operators", "x = !!!!!!true", true},
		{"conditionals", "x = a ? b : c ? d : e ? f : g ? h : i ? j : k ? l : m", true},
		{"binary operators", "x = 1 + 2 * 3 / 4 % 5 > 6 && 7 || 8", true},
		{"minus after numbers", "x = 1-1-1-1-1-1-1", true},
		{"minus after names", "x = a - b - c - d - e - f - g", true},
	}
	for _, tc := range tests {
		if got := hclTooDeep([]byte(tc.src), 5); got != tc.want {
			t.Errorf("%s: hclTooDeep(%q, 5) = %v, want %v", tc.name, tc.src, got, tc.want)
		}
	}
}
