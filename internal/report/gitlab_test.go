package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// gitlabSchemaID is the $id of GitLab's SAST report schema in testdata.
const gitlabSchemaID = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/master/dist/sast-report-format.json"

// compileGitLabSchema compiles GitLab's SAST report schema 15.2.1
// (testdata/README.md says where the copy comes from).
func compileGitLabSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "gitlab-sast-report-format-15.2.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(gitlabSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(gitlabSchemaID)
	if err != nil {
		t.Fatalf("compiling GitLab schema: %v", err)
	}
	return sch
}

func TestGitLabGolden(t *testing.T) {
	for name, r := range map[string]*Report{"report.gitlab.json": testReport(), "posture.gitlab.json": testPostureReport()} {
		t.Run(name, func(t *testing.T) {
			got := render(t, "gitlab", Options{}, r)
			checkGolden(t, name, got)
			if again := render(t, "gitlab", Options{}, r); string(again) != string(got) {
				t.Error("gitlab output is not deterministic")
			}
		})
	}
}

func TestGitLabValidatesAgainstSchema(t *testing.T) {
	sch := compileGitLabSchema(t)
	reports := map[string]*Report{
		"representative": testReport(),
		"posture":        testPostureReport(),
		"empty":          {},
		"many":           {Findings: manyFindings(50, true, "x")},
	}
	for name, r := range reports {
		if err := sch.Validate(decodeJSON(t, render(t, "gitlab", Options{}, r))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestGitLabSchemaRejects: the validation can fail, so passing it means
// something.
func TestGitLabSchemaRejects(t *testing.T) {
	sch := compileGitLabSchema(t)
	tests := []struct {
		name string
		edit func(doc map[string]any)
	}{
		{"bad severity", func(doc map[string]any) { vuln0(doc)["severity"] = "HIGH" }},
		{"no identifiers", func(doc map[string]any) { vuln0(doc)["identifiers"] = []any{} }},
		{"no location", func(doc map[string]any) { delete(vuln0(doc), "location") }},
		{"zoned time", func(doc map[string]any) { doc["scan"].(map[string]any)["end_time"] = "2026-03-14T09:26:53Z" }},
		{"dependency scan type", func(doc map[string]any) { doc["scan"].(map[string]any)["type"] = "dependency_scanning" }},
		{"no version", func(doc map[string]any) { delete(doc, "version") }},
	}
	out := render(t, "gitlab", Options{}, testReport())
	for _, tt := range tests {
		doc := decodeJSON(t, out).(map[string]any)
		tt.edit(doc)
		if err := sch.Validate(doc); err == nil {
			t.Errorf("%s: validates, want an error", tt.name)
		}
	}
}

func vuln0(doc map[string]any) map[string]any {
	return doc["vulnerabilities"].([]any)[0].(map[string]any)
}

// TestGitLabContent checks what GitLab reads beyond the schema: one
// vulnerability per reported finding with a unique stable id, GitLab's
// severity names, the advisory as primary identifier of a vulnerability
// finding and the check's ID for the rest, files relative to the
// repository, and no suppressed finding.
func TestGitLabContent(t *testing.T) {
	r := testReport()
	var doc gitlabReport
	if err := json.Unmarshal(render(t, "gitlab", Options{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "15.2.1" || doc.Scan.Type != "sast" || doc.Scan.Analyzer.Version != "0.1.0" || doc.Scan.EndTime != "2026-03-14T09:26:53" {
		t.Errorf("header = %q %q %q %q", doc.Version, doc.Scan.Type, doc.Scan.Analyzer.Version, doc.Scan.EndTime)
	}
	if len(doc.Vulnerabilities) != len(r.Findings) {
		t.Fatalf("%d vulnerabilities for %d findings", len(doc.Vulnerabilities), len(r.Findings))
	}
	ids := map[string]bool{}
	for i, v := range doc.Vulnerabilities {
		f := r.Findings[i]
		if ids[v.ID] {
			t.Errorf("duplicate id %s", v.ID)
		}
		ids[v.ID] = true
		if want := map[finding.Severity]string{
			finding.SeverityCritical: "Critical", finding.SeverityHigh: "High", finding.SeverityMedium: "Medium",
			finding.SeverityLow: "Low", finding.SeverityInfo: "Info", finding.SeverityUnknown: "Unknown",
		}[f.Severity]; v.Severity != want {
			t.Errorf("%s: severity %q, want %q", f.CheckID, v.Severity, want)
		}
		primary := v.Identifiers[0].Value
		if f.Vulnerability != nil {
			if primary != f.Vulnerability.ID {
				t.Errorf("%s: primary identifier %q, want the advisory", f.Vulnerability.ID, primary)
			}
			var got []string
			for _, id := range v.Identifiers {
				got = append(got, id.Value)
			}
			want := append(f.Vulnerability.IDs(), f.CheckID)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s identifiers (-want +got):\n%s", f.Vulnerability.ID, diff)
			}
		} else if primary != f.CheckID {
			t.Errorf("%s: primary identifier %q", f.CheckID, primary)
		}
		if f.Location.Path != "" && (v.Location.File != f.Location.Path || v.Location.StartLine != f.Location.StartLine) {
			t.Errorf("%s: location %+v, want %s", f.CheckID, v.Location, f.Location)
		}
		if f.Location.Path == "" && v.Location.File != f.Location.Object {
			t.Errorf("%s: location %+v, want the object %s", f.CheckID, v.Location, f.Location.Object)
		}
	}
	// The same finding keeps its id from one scan to the next.
	var again gitlabReport
	if err := json.Unmarshal(render(t, "gitlab", Options{}, testReport()), &again); err != nil {
		t.Fatal(err)
	}
	if again.Vulnerabilities[0].ID != doc.Vulnerabilities[0].ID {
		t.Error("ids are not stable")
	}
	out := string(render(t, "gitlab", Options{}, r))
	for _, sp := range r.Suppressed {
		if strings.Contains(out, sp.Finding.Message) {
			t.Errorf("suppressed finding %q is in the report", sp.Finding.Message)
		}
	}
	if len(doc.Scan.Messages) != len(r.Skipped)+len(r.Notices) || doc.Scan.Messages[0].Level != "warn" {
		t.Errorf("messages = %+v", doc.Scan.Messages)
	}
}

// TestGitLabRedacts: a secret finding's message is written as the scanner
// redacted it; the writer adds no other text of the secret.
func TestGitLabRedacts(t *testing.T) {
	out := string(render(t, "gitlab", Options{}, testReport()))
	if !strings.Contains(out, "AKIA…MPLE") || strings.Contains(out, "AKIAIOSFODNN7EXAMPLE") {
		t.Error("secret is not shown as redacted")
	}
}

// TestGitLabLimits: long titles and remediations are cut to the schema's
// limits.
func TestGitLabLimits(t *testing.T) {
	r := testReport()
	r.Findings[0].Title = strings.Repeat("t", 1000)
	r.Findings[0].Remediation = strings.Repeat("r", 10000)
	if err := compileGitLabSchema(t).Validate(decodeJSON(t, render(t, "gitlab", Options{}, r))); err != nil {
		t.Error(err)
	}
}

// FuzzJUnitGitLab: whatever the findings say, the gitlab output validates
// against GitLab's schema and the junit output against the mirror of
// junit-10.xsd.
func FuzzJUnitGitLab(f *testing.F) {
	f.Add("container \"api\" must not set privileged", "deploy/api.yaml", "", "shop/api", "bad yaml", "https://example.com/x", 3)
	f.Add("a]]>b\nc\r\n<d>\x00\x1b", "", "", "", "", "javascript://x", 0)
	f.Add("\xff\xfe", "./c:colon", "sha256:abc", "n", "r", "CWE-1", -4)
	sch := compileGitLabSchema(f)
	f.Fuzz(func(t *testing.T, message, path, object, name, reason, ref string, line int) {
		m := check.New("FC-FZ-001", "Fuzz "+name, finding.SeverityHigh, finding.LayerCluster, "", reason,
			finding.Reference{Source: ref, URL: ref})
		loc := finding.Location{Path: path, Object: object}
		if line > 0 {
			loc.StartLine, loc.EndLine = line, line+2
		}
		fd := m.Finding(finding.Resource{Kind: "Deployment", Name: name}, loc, check.Violation{Message: message})
		other := fd
		other.CheckID = "FC-FZ-" + name
		other.Layer = 0
		other.Vulnerability = &finding.Vulnerability{ID: name, Aliases: []string{"CVE-" + name, ""}, Summary: message,
			CVSS: &finding.CVSS{Vector: "CVSS:3.1/" + reason}}
		r := &Report{
			Tool: "fourc", Target: path,
			Findings:   []finding.Finding{fd, other},
			Suppressed: []Suppressed{{Finding: fd, By: name, Reason: reason}},
			Skipped:    []finding.Skipped{{Path: path, Scanner: name, Reason: reason}},
			Notices:    []string{message, ""},
			Checks:     []check.Meta{m},
		}
		if err := sch.Validate(decodeJSON(t, render(t, "gitlab", Options{}, r))); err != nil {
			t.Errorf("gitlab: %v", err)
		}
		parseJUnit(t, render(t, "junit", Options{}, r))
	})
}
