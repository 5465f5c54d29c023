package secret

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/engine"
)

// TestCorpus measures recall and precision over testdata/corpus, a tree of
// realistic files holding freshly generated fake credentials and
// near-misses (documentation examples, placeholders, low-entropy values).
// testdata/corpus.expect lists every secret as "path:line rule"; a finding
// not listed is a false positive.
func TestCorpus(t *testing.T) {
	const minRecall, minPrecision = 0.95, 0.95
	want := readExpectations(t, "testdata/corpus.expect")

	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), os.DirFS("testdata/corpus"), []engine.Scanner{s}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[fmt.Sprintf("%s:%d %s", f.Location.Path, f.Location.StartLine, f.CheckID)] = true
	}
	var tp, fp, fn []string
	for k := range got {
		if want[k] {
			tp = append(tp, k)
		} else {
			fp = append(fp, k)
		}
	}
	for k := range want {
		if !got[k] {
			fn = append(fn, k)
		}
	}
	slices.Sort(fp)
	slices.Sort(fn)
	recall := float64(len(tp)) / float64(len(tp)+len(fn))
	precision := float64(len(tp)) / float64(max(1, len(tp)+len(fp)))
	t.Logf("corpus: %d secrets expected, %d found: recall %.3f, precision %.3f", len(want), len(got), recall, precision)
	for _, k := range fn {
		t.Logf("missed: %s", k)
	}
	for _, k := range fp {
		t.Logf("false positive: %s", k)
	}
	if recall < minRecall {
		t.Errorf("recall %.3f is below %.2f", recall, minRecall)
	}
	if precision < minPrecision {
		t.Errorf("precision %.3f is below %.2f", precision, minPrecision)
	}
	// Every built-in rule must be exercised by the corpus.
	for _, m := range Checks() {
		if m.ID == customID {
			continue
		}
		if !slices.ContainsFunc(tp, func(k string) bool { return strings.HasSuffix(k, " "+m.ID) }) {
			t.Errorf("no true positive for %s (%s) in the corpus", m.ID, m.Title)
		}
	}
}

func readExpectations(t *testing.T, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want[line] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}
