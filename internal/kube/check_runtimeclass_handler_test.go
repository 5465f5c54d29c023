package kube

import (
	"testing"
)

// TestRuntimeClassHandlerUnknown: without the nodes' handlers nothing is
// judged, whatever the RuntimeClass names.
func TestRuntimeClassHandlerUnknown(t *testing.T) {
	const file = "testdata/checks/" + RuntimeClassHandlerCheckID + "/fail/kata-missing.yaml"
	for _, handlers := range [][]string{nil, {}} {
		for _, f := range evaluateFile(t, NewScanner(Options{RuntimeHandlers: handlers}), file) {
			if f.CheckID == RuntimeClassHandlerCheckID {
				t.Errorf("handlers %q: %s fired: %s", handlers, f.CheckID, f.Message)
			}
		}
	}
	fs := evaluateFile(t, NewScanner(Options{RuntimeHandlers: []string{"runc", "runc", "runsc"}}), file)
	var got []string
	for _, f := range fs {
		if f.CheckID == RuntimeClassHandlerCheckID {
			got = append(got, f.Message)
		}
	}
	want := `RuntimeClass "kata" names handler "kata-qemu" but the nodes offer only runc, runsc`
	if len(got) != 1 || got[0] != want {
		t.Errorf("messages %q, want %q", got, want)
	}
}
