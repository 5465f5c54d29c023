package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// gateDB builds a database from the real Go OSV records of the module
// `fourc db import --starter` imports.
func gateDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := vulndb.ImportStarter(context.Background(), path, time.Now); err != nil {
		t.Fatal(err)
	}
	return path
}

// gateReport is the part of the JSON report the gate test reads.
type gateReport struct {
	Findings []struct {
		CheckID       string                 `json:"check_id"`
		Severity      finding.Severity       `json:"severity"`
		Priority      string                 `json:"priority"`
		Vulnerability *finding.Vulnerability `json:"vulnerability"`
	} `json:"findings"`
}

// TestFailOnAgreesWithReport runs `fourc scan DIR --fail-on high` on every
// example and vulnerability fixture and checks the gate against the report
// it wrote: exit 1 exactly when a reported finding is HIGH or worse, every
// vulnerability's severity is its effective severity, and no P1 finding is
// below HIGH (so none can slip past --fail-on high).
func TestFailOnAgreesWithReport(t *testing.T) {
	db := gateDB(t)
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, filepath.Join("..", "vuln", "testdata", "project"), filepath.Join("..", "vuln", "testdata", "reach", "app"))
	// fourc's own Helm chart and the plain manifests made from it must pass
	// the gate: what fourc installs in a cluster passes fourc (dogfooding).
	mustPass := []string{filepath.Join("..", "..", "deploy", "helm", "fourc"), filepath.Join("..", "..", "deploy", "manifests")}
	dirs = append(dirs, mustPass...)
	sawVuln, sawCalled := false, false
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report.json")
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), []string{"scan", dir, "--db", db, "--offline", "--fail-on", "high", "--format", "json", "--output", out, "--quiet"}, nil, &stdout, &stderr)
			if code != ExitOK && code != ExitFindings {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep gateReport
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			high := 0
			for _, f := range rep.Findings {
				if f.Severity >= finding.SeverityHigh {
					high++
				}
				if f.Priority == "P1" && f.Severity < finding.SeverityHigh {
					t.Errorf("%s is P1 but %s: it would slip past --fail-on high", f.CheckID, f.Severity)
				}
				if v := f.Vulnerability; v != nil {
					sawVuln = true
					sawCalled = sawCalled || v.Reachability.Level == finding.ReachCalled
					if f.Severity != v.EffectiveSeverity {
						t.Errorf("%s %s: severity %s, effective severity %s", f.CheckID, v.ID, f.Severity, v.EffectiveSeverity)
					}
					if v.Reachability.Level == finding.ReachCalled && f.Severity < finding.SeverityHigh {
						t.Errorf("%s %s: called but %s", f.CheckID, v.ID, f.Severity)
					}
				}
			}
			if slices.Contains(mustPass, dir) && code != ExitOK {
				for _, f := range rep.Findings {
					if f.Severity >= finding.SeverityHigh {
						t.Errorf("%s: %s is %s; fix the chart (deploy/helm/fourc), not the check", dir, f.CheckID, f.Severity)
					}
				}
				t.Errorf("fourc scan %s --fail-on high: exit %d, want 0", dir, code)
			}
			if want := map[bool]int{true: ExitFindings, false: ExitOK}[high > 0]; code != want {
				t.Errorf("exit %d with %d findings HIGH or worse in the report, want exit %d", code, high, want)
			}
		})
	}
	if !sawVuln || !sawCalled {
		t.Errorf("vulnerability findings seen: %v, called ones: %v; the gate was not tested on both", sawVuln, sawCalled)
	}
}
