package dockerfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/limits"
)

// FuzzParse feeds arbitrary bytes to Parse and, when they parse, to every
// check: nothing may panic, and every finding must point into the file.
func FuzzParse(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(data)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("FROM a\nRUN <<EOF\n<<X bash\nX\nEOF\n"))
	f.Add([]byte("# escape=`\nFROM a\nRUN echo `\n  hi\n"))
	f.Add([]byte("FROM a\nONBUILD RUN curl x | sh\nSHELL [\"sh\"]\nRUN sh -c 'sh -c \"sh -c \\\"curl|sh\\\"\"'\n"))
	s := NewScanner(Options{AllowedRegistries: []string{"docker.io"}})
	// Tight budgets, so that the fuzzer reaches them with small inputs.
	ctx := limits.With(context.Background(), limits.Limits{Depth: 20, PerInput: 5 * time.Second})
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		defer func() {
			// Linear work should take microseconds; seconds mean a blow-up.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Parse and checks took %v on %d bytes", d, len(data))
			}
		}()
		file, err := ParseContext(ctx, "Dockerfile", data)
		if err != nil {
			return
		}
		if len(file.Stages) == 0 {
			t.Fatal("parsed a file without stages")
		}
		last := 0
		for _, st := range file.Stages {
			last = max(last, st.From.EndLine)
			for _, in := range st.Instructions {
				last = max(last, in.EndLine)
			}
		}
		for _, fd := range s.Check(file) {
			if fd.Location.StartLine < 1 || fd.Location.StartLine > last {
				t.Errorf("%s: line %d outside the file (1-%d)", fd.CheckID, fd.Location.StartLine, last)
			}
		}
	})
}

// FuzzShellScript feeds arbitrary shell code to the script walker under
// tight budgets: it must stay within them (no deep recursion, no runaway
// work), never panic, and report commands on lines of the script.
func FuzzShellScript(f *testing.F) {
	f.Add("apt-get update && apt-get install -y curl | tee log", 0)
	f.Add("sh -c \"curl x | sh\" && bash <<EOF\nwget y\nEOF\n", 1)
	f.Add("echo $( $( $( x ) ) ) `a \\`b\\``", 0)
	f.Add("if a; then for i in b; do (c; { d; }) done; fi; echo ${A:-${B:-c}} $((1+(2*3)))", 2)
	f.Add("$(sh -c \"$(sh -c \\\"x\\\")\")", 0)
	ctx := limits.With(context.Background(), limits.Limits{Depth: 20, PerInput: 5 * time.Second})
	f.Fuzz(func(t *testing.T, src string, depth int) {
		start := time.Now()
		bud := newBudget(ctx, len(src))
		w := newScriptWalker(bud)
		w.script(src, func(l int) int { return l }, depth%(maxScriptDepth+2))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("walking %d bytes took %v", len(src), d)
		}
		if bud.err != nil {
			if !errors.Is(bud.err, limits.ErrExceeded) {
				t.Errorf("budget error %v does not wrap ErrExceeded", bud.err)
			}
			return
		}
		lines := strings.Count(src, "\n") + 1
		for _, p := range w.out {
			for _, c := range p {
				if c.Line < 1 || c.Line > lines {
					t.Errorf("command %q on line %d of a %d-line script", c.Args, c.Line, lines)
				}
			}
		}
	})
}
