package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourc-dev/fourc/internal/cli"
)

// run executes the CLI in-process and returns stdout, stderr and the code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func compileSchema(t *testing.T, url string, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, out string) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("output does not validate: %v", err)
	}
	m, _ := v.(map[string]any)
	return m
}

// TestExampleSARIF validates the insecure example's SARIF against the
// official SARIF 2.1.0 schema and checks it has results in every layer.
func TestExampleSARIF(t *testing.T) {
	schema, err := os.ReadFile("../../internal/report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	s := compileSchema(t, "https://json.schemastore.org/sarif-2.1.0.json", schema)
	out, stderr, code := run(t, "scan", "../../examples/shop", "--format", "sarif", "--db", starter(t), "--reachability=false")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	doc := validate(t, s, out)
	runs := doc["runs"].([]any)
	results := runs[0].(map[string]any)["results"].([]any)
	tags := map[string]bool{}
	rules := runs[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
	for _, r := range results {
		idx, err := r.(map[string]any)["ruleIndex"].(json.Number).Int64()
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range rules[idx].(map[string]any)["properties"].(map[string]any)["tags"].([]any) {
			tags[tag.(string)] = true
		}
	}
	for _, layer := range []string{"code", "container", "cluster", "cloud"} {
		if !tags[layer] {
			t.Errorf("no SARIF result for layer %s", layer)
		}
	}
}

// TestExampleJSON validates the example's JSON report against fourc's
// published schema and checks each layer has findings with locations.
func TestExampleJSON(t *testing.T) {
	schema, err := os.ReadFile("../../internal/report/schema/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	s := compileSchema(t, "https://fourc.dev/report.schema.json", schema)
	out, stderr, code := run(t, "scan", "../../examples/shop", "--format", "json", "--db", starter(t), "--reachability=false")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	validate(t, s, out)
	var rep struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Layer    string `json:"layer"`
			Location struct {
				Path      string `json:"path"`
				StartLine int    `json:"start_line"`
			} `json:"location"`
			Remediation string `json:"remediation"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	perLayer := map[string]int{}
	for _, f := range rep.Findings {
		perLayer[f.Layer]++
		if f.Location.Path == "" || f.Location.StartLine == 0 {
			t.Errorf("%s has no file:line: %+v", f.CheckID, f.Location)
		}
		if f.Remediation == "" {
			t.Errorf("%s has no remediation", f.CheckID)
		}
	}
	for _, l := range []string{"Code", "Container", "Cluster", "Cloud"} {
		if perLayer[l] < 3 {
			t.Errorf("layer %s has %d findings on the insecure example, want at least 3", l, perLayer[l])
		}
	}
}
