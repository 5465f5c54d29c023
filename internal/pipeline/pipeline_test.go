package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var now = time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)

func env(stdout, stderr *bytes.Buffer) Env {
	return Env{Stdout: stdout, Stderr: stderr, Now: now, Tool: "fourc", Version: "test"}
}

// fixture is two findings of a check: one HIGH in app.yaml, one LOW in
// other.yaml.
func fixture() ([]finding.Finding, []check.Meta) {
	m := check.Meta{ID: "FC-K8S-001", Title: "Container is privileged", Severity: finding.SeverityHigh, Layer: finding.LayerCluster, Remediation: "Do not."}
	low := m
	low.ID, low.Severity = "FC-K8S-002", finding.SeverityLow
	return []finding.Finding{
		m.Finding(finding.Resource{Kind: "Pod", Name: "a"}, finding.Location{Path: "app.yaml", StartLine: 3}, check.Violation{Message: "a is privileged"}),
		low.Finding(finding.Resource{Kind: "Pod", Name: "b"}, finding.Location{Path: "other.yaml", StartLine: 1}, check.Violation{Message: "b is low"}),
	}, []check.Meta{m, low}
}

// TestNewPlanRejects: every option is checked by NewPlan, before any scan,
// and a mistake in how the command was called is a UsageError.
func TestNewPlanRejects(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("ignores:\n  - id: FC-K8S-001\n    reson: accepted\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var rule yaml.Node
	if err := yaml.Unmarshal([]byte("id: FC-PATH-900\ntitle: t\nseverity: high\nwhen: 'true'\ncolour: red\n"), &rule); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		o     Options
		want  string
		usage bool
	}{
		{"format", Options{Format: "nope"}, `--format: unknown format "nope"`, true},
		{"sort", Options{Sort: "colour"}, `--sort: unknown order "colour"`, true},
		{"severity", Options{Severity: "high,urgent"}, `--severity:`, true},
		{"fail-on", Options{FailOn: "urgent"}, `--fail-on:`, true},
		{"fail-on-new without baseline", Options{FailOnNew: "high"}, `--fail-on-new needs --baseline`, true},
		{"fail-on-new", Options{FailOnNew: "urgent", Baseline: "b.json"}, `--fail-on-new:`, true},
		{"ignore policy", Options{IgnorePolicy: "lax"}, `--ignore-policy: unknown policy "lax"`, true},
		{"user ignore file", Options{IgnoreFile: filepath.Join(dir, "none.yaml"), UserIgnoreFile: true}, `none.yaml`, true},
		{"ignore file typo", Options{IgnoreFile: typo, UserIgnoreFile: true}, `line 3: unknown key "reson" (did you mean "reason"?)`, true},
		{"config ignore file", Options{IgnoreFile: filepath.Join(dir, "none.yaml")}, `reading ignore file`, false},
		{"baseline", Options{Baseline: filepath.Join(dir, "none.json")}, `none.json`, false},
		{"posture rule", Options{Rules: []yaml.Node{*rule.Content[0]}, ConfigFile: "fourc.yaml"}, `config file "fourc.yaml": posture.rules: posture rule 1 (line 1): line 5: unknown key "colour"`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.o, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if got := errors.As(err, new(UsageError)); got != tt.usage {
				t.Errorf("usage error = %v, want %v", got, tt.usage)
			}
		})
	}
}

// TestUnreadableIgnoreFile: only a default ignore file that does not exist
// counts as "no ignore file"; one that cannot even be looked at is an
// error, not a silently unsuppressed scan.
func TestUnreadableIgnoreFile(t *testing.T) {
	dir := t.TempDir()
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPlan(Options{}, loop); err == nil || !strings.Contains(err.Error(), "reading ignore file") {
		t.Errorf("root %s: err = %v, want a reading ignore file error", loop, err)
	}
	if _, err := NewPlan(Options{}, dir); err != nil {
		t.Errorf("no ignore file: %v", err)
	}
}

// TestPublish runs the publish step: the ignore file and inline comments
// suppress, --severity filters, the gates turn into the exit status, and a
// report written to a file is announced in one line.
func TestPublish(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".fourcignore.yaml"), []byte("ignores:\n  - id: FC-K8S-002\n    reason: accepted\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, checks := fixture()
	in := Input{Target: "shop", Findings: fs, Checks: checks, FS: fstest.MapFS{}}
	var stdout, stderr bytes.Buffer

	p, err := NewPlan(Options{Format: "json", FailOn: "high"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(context.Background(), in, env(&stdout, &stderr)); !errors.Is(err, ErrFindings) {
		t.Errorf("--fail-on high with a HIGH finding: %v", err)
	}
	if !strings.Contains(stdout.String(), `"FC-K8S-001"`) || !strings.Contains(stdout.String(), `"suppressed"`) {
		t.Errorf("report:\n%.600s", stdout.String())
	}

	out := filepath.Join(dir, "report.json")
	stdout.Reset()
	p, err = NewPlan(Options{Format: "json", Output: out, Severity: "critical", FailOn: "high", FailOnSkipped: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	in.Skipped = []finding.Skipped{{Path: "x", Scanner: "kube", Reason: "malformed"}}
	err = p.Publish(context.Background(), in, env(&stdout, &stderr))
	if !errors.As(err, new(SkippedError)) {
		t.Errorf("--fail-on-skipped with a skipped input: %v", err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "0 findings, 1 inputs skipped; report written to "+out) {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}

	// The report just written is the baseline: nothing is new.
	p, err = NewPlan(Options{Format: "json", Baseline: out, FailOnNew: "low"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	in.Skipped = nil
	if err := p.Publish(context.Background(), in, env(&stdout, &stderr)); !errors.Is(err, ErrFindings) {
		t.Errorf("the HIGH finding filtered out of the baseline is new: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stdout.Reset()
	if err := p.Publish(ctx, in, env(&stdout, &stderr)); !errors.Is(err, context.Canceled) || stdout.Len() != 0 {
		t.Errorf("interrupted: err %v, %d bytes written", err, stdout.Len())
	}
}
