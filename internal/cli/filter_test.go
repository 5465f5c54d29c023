package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

// filterReport is the part of the JSON report the filter test reads.
type filterReport struct {
	Findings []struct {
		Fingerprint string           `json:"fingerprint"`
		Severity    finding.Severity `json:"severity"`
		Priority    string           `json:"priority"`
	} `json:"findings"`
	Notices []string `json:"notices"`
	Posture struct {
		Scores      json.RawMessage `json:"scores"`
		AttackPaths json.RawMessage `json:"attack_paths"`
	} `json:"posture"`
}

// TestSeverityFilterKeepsScores: --severity chooses what the report lists,
// not what the analysis sees. On the example, `--severity high` lists
// fewer findings but gives the same scores, the same attack paths (with
// the findings it hides still named in their steps) and the same priority
// to every finding it lists; a notice says how many it left out.
func TestSeverityFilterKeepsScores(t *testing.T) {
	db := gateDB(t)
	shop := filepath.Join("..", "..", "examples", "shop")
	scan := func(extra ...string) filterReport {
		t.Helper()
		args := append([]string{"scan", shop, "--db", db, "--offline", "--format", "json", "--quiet"}, extra...)
		code, out, stderr := run(t, args...)
		if code != ExitOK {
			t.Fatalf("fourc %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		var rep filterReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	all, high := scan(), scan("--severity", "high")

	if len(high.Findings) == 0 || len(high.Findings) >= len(all.Findings) {
		t.Fatalf("%d findings with --severity high, %d without: the filter was not exercised", len(high.Findings), len(all.Findings))
	}
	if diff := cmp.Diff(string(all.Posture.Scores), string(high.Posture.Scores)); diff != "" {
		t.Errorf("scores change with --severity high (-all +high):\n%s", diff)
	}
	if diff := cmp.Diff(string(all.Posture.AttackPaths), string(high.Posture.AttackPaths)); diff != "" {
		t.Errorf("attack paths change with --severity high (-all +high):\n%s", diff)
	}
	if len(all.Posture.AttackPaths) < 10 {
		t.Errorf("no attack paths on the example: %s", all.Posture.AttackPaths)
	}
	prio := map[string]string{}
	for _, f := range all.Findings {
		prio[f.Fingerprint] = f.Priority
	}
	for _, f := range high.Findings {
		if f.Severity < finding.SeverityHigh {
			t.Errorf("%s is %s, listed under --severity high", f.Fingerprint, f.Severity)
		}
		if prio[f.Fingerprint] != f.Priority {
			t.Errorf("%s: priority %s with --severity high, %s without", f.Fingerprint, f.Priority, prio[f.Fingerprint])
		}
	}
	hidden := len(all.Findings) - len(high.Findings)
	want := fmt.Sprintf("--severity high leaves %d findings out of the report; scores, priorities and attack paths still count them", hidden)
	found := false
	for _, n := range high.Notices {
		found = found || n == want
	}
	if !found {
		t.Errorf("notices %q lack %q", high.Notices, want)
	}
}
