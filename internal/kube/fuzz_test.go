package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes through the loader, the set and every
// check: nothing may panic, skipped reasons stay on one line, and every
// finding belongs to a known check and points into the file.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/checks/*/*/*.yaml")
	files = append(files, "testdata/golden/insecure.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}]}"))
	f.Add([]byte("apiVersion: v1\nkind: PodList\nitems: [{metadata: {name: a}, spec: {containers: [{name: c}]}}]\n"))
	s := NewScanner(Options{})
	known := map[string]bool{}
	for _, m := range Checks() {
		known[m.ID] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, skipped := Load("f.yaml", data)
		for _, sk := range skipped {
			if strings.ContainsAny(sk.Reason, "\r\n") || sk.Reason == "" {
				t.Errorf("bad skipped reason %q", sk.Reason)
			}
		}
		for _, o := range objs {
			if o.Kind == "" || o.Typed == nil {
				t.Errorf("object without kind or typed value: %+v", o)
			}
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, fd := range s.Evaluate(NewSet(objs)) {
			if !known[fd.CheckID] {
				t.Errorf("finding of unknown check %s", fd.CheckID)
			}
			if fd.Location.Path != "f.yaml" || fd.Location.StartLine < 1 || fd.Location.StartLine > lines {
				t.Errorf("finding outside the file: %v", fd.Location)
			}
		}
	})
}
