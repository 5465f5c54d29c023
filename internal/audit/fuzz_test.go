package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// seedLines adds every fixture line as a seed.
func seedLines(f *testing.F) {
	files, _ := filepath.Glob("testdata/checks/*/*/*.jsonl")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"auditID":"1","stage":"ResponseComplete","verb":"get","user":{"username":"a\u0041\"b"},"objectRef":null,"requestObject":{"a":[1,2,{"b":null}]}}`))
	f.Add([]byte(`{"auditID":"1","verb":"get"} trailing`))
	f.Add([]byte(strings.Repeat("[", 100)))
}

// FuzzDecode: Decode never panics, and on what it accepts it agrees with
// encoding/json into the API server's own type on the fields it fills.
func FuzzDecode(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		var fast auditv1.Event
		if Decode(line, &fast) != nil {
			return
		}
		var slow auditv1.Event
		if err := json.Unmarshal(line, &slow); err != nil {
			return // encoding/json is stricter on some values we skip (e.g. a duplicated key of another type)
		}
		if fast.AuditID != slow.AuditID || fast.Verb != slow.Verb || fast.Stage != slow.Stage || fast.User.Username != slow.User.Username ||
			fast.RequestURI != slow.RequestURI || len(fast.SourceIPs) != len(slow.SourceIPs) {
			t.Fatalf("Decode and encoding/json disagree on %q:\nfast %+v\nslow %+v", line, fast, slow)
		}
		if (fast.ObjectRef == nil) != (slow.ObjectRef == nil) || (fast.ObjectRef != nil && *fast.ObjectRef != *slow.ObjectRef) {
			t.Fatalf("objectRef differs on %q", line)
		}
		a := New(Options{})
		a.Observe(&fast, Position{Path: "fuzz", Line: 1})
		a.Stream(&fast, Position{Path: "fuzz", Line: 1})
		_ = a.Findings()
		p := NewProfile()
		p.Learn(&fast)
		a2 := New(Options{Profile: p})
		a2.Observe(&fast, Position{})
	})
}

// FuzzReadProfile: ReadProfile never panics, and what it accepts writes
// back and reads again.
func FuzzReadProfile(f *testing.F) {
	f.Add([]byte(`{"version":1,"events":1,"subjects":{"a":{"actions":["get pods x"],"networks":["10.0.0.0/24"],"hours":[3]}}}`))
	f.Add([]byte(`{"version":1,"subjects":{"a":null}}`))
	f.Add([]byte(`{"version":2,"subjects":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadProfile(bytes.NewReader(data))
		if err != nil {
			return
		}
		p.Merge(p)
		var b bytes.Buffer
		if err := p.Write(&b); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadProfile(&b); err != nil {
			t.Fatalf("profile written does not read back: %v\n%s", err, b.String())
		}
	})
}

// FuzzReadRules: ReadRules never panics on any YAML.
func FuzzReadRules(f *testing.F) {
	f.Add([]byte("- id: A-1\n  title: t\n  severity: high\n  condition: event.verb == 'delete'\n  fail: ['{\"auditID\":\"1\",\"verb\":\"delete\"}']\n"))
	f.Add([]byte("rules:\n- id: A-1\n  title: t\n  severity: low\n  condition: has(event.requestObject.spec)\n"))
	f.Add([]byte("rules: 3"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ReadRules(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			return
		}
		_ = set.Checks()
	})
}
