package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// sarifSchemaURL is the $id of the official schema in testdata.
const sarifSchemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// compileSARIFSchema compiles the official OASIS SARIF 2.1.0 schema
// (testdata/README.md says where the copy comes from). It is draft-04, for
// which the validator asserts formats such as uri and date-time.
func compileSARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(sarifSchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaURL)
	if err != nil {
		t.Fatalf("compiling SARIF schema: %v", err)
	}
	return sch
}

func TestSARIFValidatesAgainstOfficialSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	for name, r := range map[string]*Report{"representative": testReport(), "empty": {}} {
		if err := sch.Validate(decodeJSON(t, render(t, "sarif", Options{}, r))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestSARIFSchemaRejects: the validation can fail, so passing it means
// something.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := compileSARIFSchema(t)
	tests := []struct {
		name string
		edit func(run map[string]any)
	}{
		{"bad level", func(run map[string]any) { result0(run)["level"] = "fatal" }},
		{"no message", func(run map[string]any) { delete(result0(run), "message") }},
		{"line zero", func(run map[string]any) {
			loc := result0(run)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		}},
		{"no driver name", func(run map[string]any) {
			delete(run["tool"].(map[string]any)["driver"].(map[string]any), "name")
		}},
		{"unknown property", func(run map[string]any) { result0(run)["severity"] = "HIGH" }},
	}
	out := render(t, "sarif", Options{}, testReport())
	for _, tt := range tests {
		doc := decodeJSON(t, out).(map[string]any)
		tt.edit(doc["runs"].([]any)[0].(map[string]any))
		if err := sch.Validate(doc); err == nil {
			t.Errorf("%s: validates, want an error", tt.name)
		}
	}
}

func result0(run map[string]any) map[string]any {
	return run["results"].([]any)[0].(map[string]any)
}

// TestSARIFGitHubRules checks what GitHub code scanning needs beyond the
// schema: every result's rule is in the driver at ruleIndex, rules carry a
// numeric security-severity and the security tag, locations are relative to
// %SRCROOT% (or logical for live objects) and results carry a fingerprint.
func TestSARIFGitHubRules(t *testing.T) {
	r := testReport()
	out := render(t, "sarif", Options{}, r)
	log, err := sarif.FromBytes(out)
	if err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	driver := run.Tool.Driver
	if driver.Name != "fourc" || deref(driver.Version) != "0.1.0" || deref(driver.InformationURI) != sarifInformationURI {
		t.Errorf("driver = %q %q %q", driver.Name, deref(driver.Version), deref(driver.InformationURI))
	}

	// Rules: the whole catalogue sorted by ID, then the synthesized one.
	var ids []string
	for _, rule := range driver.Rules {
		ids = append(ids, rule.ID)
	}
	wantIDs := []string{
		"FC-AWS-001", "FC-AWS-002", "FC-DF-001", "FC-DF-003", "FC-K8S-001",
		"FC-K8S-010", "FC-K8S-020", "FC-K8S-030", "FC-SEC-001",
		// One rule per advisory, reported or suppressed.
		"GO-2022-0969", "GO-2023-1571", "GO-2023-2102", "GO-2024-2687",
	}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("rule IDs mismatch (-want +got):\n%s", diff)
	}
	for _, rule := range driver.Rules {
		sev, ok := rule.Properties["security-severity"].(string)
		score, err := strconv.ParseFloat(sev, 64)
		if !ok || err != nil || score < 0 || score > 10 {
			t.Errorf("rule %s: security-severity %v is not a score from 0 to 10 in a string", rule.ID, rule.Properties["security-severity"])
		}
		tags, _ := rule.Properties["tags"].([]any)
		if len(tags) < 2 || tags[0] != "security" {
			t.Errorf("rule %s: tags %v, want security and the layer first", rule.ID, tags)
		}
		if rule.ShortDescription == nil || deref(rule.ShortDescription.Text) == "" {
			t.Errorf("rule %s: no shortDescription", rule.ID)
		}
		if rule.Help == nil || !strings.Contains(deref(rule.Help.Markdown), "**Remediation:**") {
			t.Errorf("rule %s: help has no remediation", rule.ID)
		}
	}

	if len(run.Results) != len(r.Findings)+len(r.Suppressed) {
		t.Fatalf("%d results for %d findings and %d suppressed", len(run.Results), len(r.Findings), len(r.Suppressed))
	}
	for i, res := range run.Results[:len(r.Findings)] {
		f := r.Findings[i]
		if res.RuleIndex == nil || int(*res.RuleIndex) >= len(driver.Rules) || driver.Rules[*res.RuleIndex].ID != deref(res.RuleID) || deref(res.RuleID) != sarifRuleID(f) {
			t.Errorf("result %d (%s): ruleId/ruleIndex do not point at its rule", i, f.CheckID)
		}
		if got := res.PartialFingerprints[sarifFingerprintKey]; got != f.Fingerprint || f.Fingerprint == "" {
			t.Errorf("result %d: partial fingerprint %v, want %q", i, got, f.Fingerprint)
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d: %d locations, want 1", i, len(res.Locations))
			continue
		}
		loc := res.Locations[0]
		switch {
		case f.Location.Path != "":
			al := loc.PhysicalLocation.ArtifactLocation
			if deref(al.URI) != f.Location.Path || deref(al.URIBaseId) != "%SRCROOT%" {
				t.Errorf("result %d: artifact %q base %q, want %q base %%SRCROOT%%", i, deref(al.URI), deref(al.URIBaseId), f.Location.Path)
			}
			if reg := loc.PhysicalLocation.Region; reg == nil || deref(reg.StartLine) != f.Location.StartLine {
				t.Errorf("result %d: region does not start at line %d", i, f.Location.StartLine)
			}
		default:
			if loc.PhysicalLocation != nil || len(loc.LogicalLocations) != 1 || deref(loc.LogicalLocations[0].FullyQualifiedName) != f.Location.Object {
				t.Errorf("result %d: want only a logical location %q", i, f.Location.Object)
			}
		}
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 2 || n[0].Level != "warning" || n[1].Level != "note" {
		t.Errorf("notifications = %+v, want the skipped input (warning) and the notice (note)", n)
	}
}

func TestSARIFAdvisoryRulesAndSuppressions(t *testing.T) {
	r := testReport()
	log, err := sarif.FromBytes(render(t, "sarif", Options{}, r))
	if err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rules := map[string]*sarif.ReportingDescriptor{}
	for _, rule := range run.Tool.Driver.Rules {
		rules[rule.ID] = rule
	}
	// security-severity follows the effective severity: the CVSS score
	// when the advisory's own rating stands, the band's score when
	// reachability moved it.
	for id, want := range map[string]string{
		"GO-2023-1571": "8.0", // UNKNOWN, called: HIGH
		"GO-2024-2687": "5.3", // CVSS 5.3, not analysed
		"GO-2022-0969": "3.0", // UNKNOWN, required: LOW
		"GO-2023-2102": "7.5", // suppressed by VEX, still described
	} {
		rule := rules[id]
		if rule == nil {
			t.Errorf("no rule %s", id)
			continue
		}
		if got := rule.Properties["security-severity"]; got != want {
			t.Errorf("rule %s: security-severity %v, want %s", id, got, want)
		}
		if deref(rule.HelpURI) != "https://osv.dev/vulnerability/"+id {
			t.Errorf("rule %s: helpUri %q", id, deref(rule.HelpURI))
		}
	}
	if help := deref(rules["GO-2023-1571"].Help.Text); !strings.Contains(help, "Fixed in: golang.org/x/net v0.7.0") || !strings.Contains(help, "CVE-2022-41723") {
		t.Errorf("GO-2023-1571 help = %q", help)
	}
	var got []string
	for _, res := range run.Results[len(r.Findings):] {
		if len(res.Suppressions) != 1 {
			t.Fatalf("suppressed result %s has %d suppressions", deref(res.RuleID), len(res.Suppressions))
		}
		sp := res.Suppressions[0]
		got = append(got, deref(res.RuleID)+" "+sp.Kind+" "+deref(sp.Status)+" "+deref(sp.Justification))
	}
	want := []string{
		"FC-SEC-001 external accepted ignore file .fourcignore.yaml:4: test fixture, not a real key",
		"GO-2023-2102 external accepted VEX: not_affected: vulnerable_code_not_in_execute_path",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestSecuritySeverity(t *testing.T) {
	want := map[finding.Severity]string{
		finding.SeverityCritical: "9.5", finding.SeverityHigh: "8.0", finding.SeverityMedium: "5.5",
		finding.SeverityLow: "3.0", finding.SeverityInfo: "0.0", finding.SeverityUnknown: "0.0",
	}
	for sev, w := range want {
		if got := securitySeverity(sev); got != w {
			t.Errorf("securitySeverity(%s) = %s, want %s", sev, got, w)
		}
	}
}

func TestArtifactLocation(t *testing.T) {
	tests := []struct{ path, uri, base string }{
		{"deploy/api.yaml", "deploy/api.yaml", "%SRCROOT%"},
		{"./Dockerfile", "Dockerfile", "%SRCROOT%"},
		{"dir with space/a#b.tf", "dir%20with%20space/a%23b.tf", "%SRCROOT%"},
		{"c:colon.yaml", "./c:colon.yaml", "%SRCROOT%"},
		{"/etc/kubernetes/manifests/kube-apiserver.yaml", "file:///etc/kubernetes/manifests/kube-apiserver.yaml", ""},
	}
	for _, tt := range tests {
		al := artifactLocation(tt.path)
		if deref(al.URI) != tt.uri || deref(al.URIBaseId) != tt.base {
			t.Errorf("artifactLocation(%q) = %q base %q, want %q base %q", tt.path, deref(al.URI), deref(al.URIBaseId), tt.uri, tt.base)
		}
	}
}

func TestRuleName(t *testing.T) {
	for in, want := range map[string]string{
		"Container is privileged":               "ContainerIsPrivileged",
		"S3 bucket is not encrypted":            "S3BucketIsNotEncrypted",
		"No NetworkPolicy selects the workload": "NoNetworkPolicySelectsTheWorkload",
		"":                                      "",
		"hostPath: /var/run/docker.sock":        "HostPathVarRunDockerSock",
	} {
		if got := ruleName(in); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSARIFResourceFallback: a finding with neither file nor object is
// located by its resource, so GitHub still has a location to show.
func TestSARIFResourceFallback(t *testing.T) {
	m := check.New(
		"FC-X-001",
		"t",
		finding.SeverityLow,
		finding.LayerCloud,
		"",
		"",
	)
	f := m.Finding(finding.Resource{Kind: "Account", Name: "123"}, finding.Location{}, check.Violation{})
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, &Report{Findings: []finding.Finding{f}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"fullyQualifiedName": "Account/123"`) {
		t.Errorf("no logical location for the resource:\n%s", buf.String())
	}
	if err := compileSARIFSchema(t).Validate(decodeJSON(t, buf.Bytes())); err != nil {
		t.Error(err)
	}
}
