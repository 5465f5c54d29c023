package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourc-dev/fourc/internal/finding"
)

const reportSchemaURL = "https://raw.githubusercontent.com/fourc-dev/fourc/main/internal/report/schema/report.schema.json"

// compileReportSchema compiles the embedded JSON Schema; with closed set,
// every object schema that lists properties also forbids others, so that a
// field the writer emits but the schema does not document fails validation.
func compileReportSchema(t testing.TB, closed bool) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatalf("parsing embedded schema: %v", err)
	}
	if id := doc.(map[string]any)["$id"]; id != reportSchemaURL {
		t.Fatalf("schema $id = %v, want %s", id, reportSchemaURL)
	}
	if closed {
		closeObjects(doc)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(reportSchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(reportSchemaURL)
	if err != nil {
		t.Fatalf("compiling schema: %v", err)
	}
	return sch
}

func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"]; ok {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, e := range v {
			closeObjects(e)
		}
	case []any:
		for _, e := range v {
			closeObjects(e)
		}
	}
}

func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b)
	}
	return v
}

func TestJSONValidatesAgainstSchema(t *testing.T) {
	open, closed := compileReportSchema(t, false), compileReportSchema(t, true)
	reports := map[string]*Report{
		"representative": testReport(),
		"empty":          {},
	}
	for name, r := range reports {
		doc := decodeJSON(t, render(t, "json", Options{}, r))
		if err := open.Validate(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := closed.Validate(doc); err != nil {
			t.Errorf("%s: output has a field the schema does not document: %v", name, err)
		}
	}
}

// TestJSONSchemaRequiresFields: taking any required field out of real
// output makes it invalid, so the schema does guard against a writer that
// stops emitting one.
func TestJSONSchemaRequiresFields(t *testing.T) {
	sch := compileReportSchema(t, false)
	out := render(t, "json", Options{}, testReport())
	top := decodeJSON(t, out).(map[string]any)

	var pointers []string
	for k := range top {
		pointers = append(pointers, "/"+k)
	}
	slices.Sort(pointers)
	pointers = append(pointers,
		"/summary/total", "/summary/severities", "/summary/severities/CRITICAL", "/summary/layers",
		"/summary/layers/Cloud", "/summary/layers/Code/total", "/summary/layers/Cluster/severities/UNKNOWN",
		"/summary/suppressed", "/summary/skipped",
		"/findings/0/check_id", "/findings/0/title", "/findings/0/severity", "/findings/0/layer",
		"/findings/0/resource", "/findings/0/resource/kind", "/findings/0/location", "/findings/0/message",
		"/findings/0/fingerprint",
		"/suppressed/0/finding", "/suppressed/0/by", "/suppressed/0/finding/check_id",
		"/skipped/0/path", "/skipped/0/scanner", "/skipped/0/reason",
	)
	if len(top) != 10 {
		t.Errorf("top level has %d fields, want 10", len(top))
	}
	for _, p := range pointers {
		doc := decodeJSON(t, out)
		if !deletePointer(doc, p) {
			t.Errorf("%s: not in the output", p)
			continue
		}
		if err := sch.Validate(doc); err == nil {
			t.Errorf("output without %s still validates", p)
		}
	}
}

// deletePointer removes the member a JSON pointer (no escapes) names.
func deletePointer(doc any, ptr string) bool {
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	cur := doc
	for _, p := range parts[:len(parts)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(c) {
				return false
			}
			cur = c[i]
		default:
			return false
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return false
	}
	last := parts[len(parts)-1]
	if _, ok := m[last]; !ok {
		return false
	}
	delete(m, last)
	return true
}

// TestJSONSchemaRejects: values the schema must not accept.
func TestJSONSchemaRejects(t *testing.T) {
	sch := compileReportSchema(t, false)
	tests := []struct {
		name string
		edit func(m map[string]any)
	}{
		{"wrong schema_version", func(m map[string]any) { m["schema_version"] = "2" }},
		{"unknown severity", func(m map[string]any) { finding0(m)["severity"] = "SEVERE" }},
		{"unknown layer", func(m map[string]any) { finding0(m)["layer"] = "Network" }},
		{"line zero", func(m map[string]any) { finding0(m)["location"].(map[string]any)["start_line"] = json.Number("0") }},
		{"negative count", func(m map[string]any) { m["summary"].(map[string]any)["total"] = json.Number("-1") }},
		{"non-UTC time", func(m map[string]any) { m["generated_at"] = "2026-03-14T10:26:53+01:00" }},
		{"null findings", func(m map[string]any) { m["findings"] = nil }},
	}
	out := render(t, "json", Options{}, testReport())
	for _, tt := range tests {
		doc := decodeJSON(t, out).(map[string]any)
		tt.edit(doc)
		if err := sch.Validate(doc); err == nil {
			t.Errorf("%s: validates, want an error", tt.name)
		}
	}
}

func finding0(m map[string]any) map[string]any {
	return m["findings"].([]any)[0].(map[string]any)
}

func TestJSONSummary(t *testing.T) {
	var doc jsonReport
	if err := json.Unmarshal(render(t, "json", Options{}, testReport()), &doc); err != nil {
		t.Fatal(err)
	}
	want := jsonSummary{
		Total:      11,
		Severities: severityCounts{Critical: 2, High: 4, Medium: 3, Low: 2},
		Layers: layerCounts{
			Code:      layerCount{Total: 4, Severities: severityCounts{Critical: 1, High: 1, Medium: 1, Low: 1}},
			Container: layerCount{Total: 2, Severities: severityCounts{High: 1, Medium: 1}},
			Cluster:   layerCount{Total: 3, Severities: severityCounts{Critical: 1, High: 1, Medium: 1}},
			Cloud:     layerCount{Total: 2, Severities: severityCounts{High: 1, Low: 1}},
		},
		Suppressed: 2,
		Skipped:    1,
	}
	if diff := cmp.Diff(want, doc.Summary); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
	if doc.GeneratedAt != "2026-03-14T09:26:53Z" || doc.SchemaVersion != SchemaVersion {
		t.Errorf("generated_at=%q schema_version=%q", doc.GeneratedAt, doc.SchemaVersion)
	}
	// The findings round-trip through the shared JSON tags.
	if diff := cmp.Diff(testReport().Findings, doc.Findings); diff != "" {
		t.Errorf("findings do not round-trip (-want +got):\n%s", diff)
	}
}

// TestJSONEmptyListsAreArrays: consumers can iterate without null checks.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	out := string(render(t, "json", Options{}, &Report{}))
	for _, key := range []string{"findings", "suppressed", "skipped", "notices"} {
		if !strings.Contains(out, `"`+key+`": []`) {
			t.Errorf("empty report: %s is not []:\n%s", key, out)
		}
	}
	if !strings.Contains(out, `"tool": "fourc"`) {
		t.Errorf("empty report: tool does not default to fourc")
	}
}

func TestJSONRejectsInvalidLayer(t *testing.T) {
	r := &Report{Findings: []finding.Finding{{CheckID: "FC-X-001", Severity: finding.SeverityLow}}}
	if err := WriteJSON(&bytes.Buffer{}, r); err == nil {
		t.Error("a finding without a layer encoded without error")
	}
}

func TestJSONSchemaIsDocumented(t *testing.T) {
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "json-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	var schema any
	if err := json.Unmarshal(JSONSchema(), &schema); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	collectProperties(schema, names)
	for name := range names {
		if !strings.Contains(string(md), "`"+name+"`") {
			t.Errorf("docs/json-schema.md does not describe field `%s`", name)
		}
	}
	if !strings.Contains(string(md), "`"+SchemaVersion+"`") {
		t.Errorf("docs/json-schema.md does not name schema version %q", SchemaVersion)
	}
}

func collectProperties(v any, names map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for k := range props {
				names[k] = true
			}
		}
		for _, e := range v {
			collectProperties(e, names)
		}
	case []any:
		for _, e := range v {
			collectProperties(e, names)
		}
	}
}

// TestJSONStreamsLikeOneDocument: WriteJSON streams findings into the
// document one at a time; the bytes must equal encoding the whole document
// at once, HTML characters, posture and baseline included.
func TestJSONStreamsLikeOneDocument(t *testing.T) {
	for _, name := range []string{"full", "no findings"} {
		r := testReport()
		if name == "no findings" {
			r.Findings = nil
		} else {
			r.Findings[0].Message = `a <b> & "c" in a message`
		}
		var got bytes.Buffer
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		fs := make([]jsonFinding, 0, len(r.Findings))
		for _, f := range r.Findings {
			fs = append(fs, jsonFindingOf(r, f))
		}
		doc := jsonDocument[jsonFinding]{
			SchemaVersion: SchemaVersion, Tool: "fourc", Version: r.Version, Target: r.Target,
			GeneratedAt: r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), Summary: summarize(r),
			Findings: fs, Suppressed: nonNil(r.Suppressed), Skipped: nonNil(r.Skipped), Notices: nonNil(r.Notices),
			Posture: postureJSON(r.Posture), Baseline: baselineJSON(r),
		}
		var want bytes.Buffer
		if err := newJSONEncoder(&want, "").Encode(doc); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s: streamed document differs (-whole +streamed):\n%s", name, diff)
		}
	}
}
