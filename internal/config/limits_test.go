package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/limits"
)

func TestParseLimits(t *testing.T) {
	c, err := Parse("fourc.yaml", []byte("limits:\n  per-input: 3s\n  file-bytes: 64MiB\n  render-steps: 1_000\n  depth: 50\n  response-bytes: 1MB\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := limits.Limits{PerInput: 3 * time.Second, FileBytes: 64 << 20, RenderSteps: 1000, Depth: 50, ResponseBytes: 1e6}
	if diff := cmp.Diff(want, c.Limits.Limits); diff != "" {
		t.Errorf("limits (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"limits:\n  per-inptu: 3s\n", "limits:\n  per-input: 0s\n", "limits:\n  depth: -1\n", "limits:\n  depth: [1]\n", "limits: 3\n", "limits:\n  layers: 1e99\n"} {
		if _, err := Parse("fourc.yaml", []byte(bad)); err == nil {
			t.Errorf("Parse(%q) gave no error", bad)
		}
	}
}

// TestEveryLimitSettable sets every field of limits.Limits by name, so that
// a budget added to the struct is reachable from fourc.yaml and --limit.
func TestEveryLimitSettable(t *testing.T) {
	var l limits.Limits
	for _, name := range LimitNames() {
		v := "7"
		if strings.Contains(name, "timeout") || name == "per-input" {
			v = "7s"
		}
		if err := SetLimit(&l, name, v); err != nil {
			t.Errorf("SetLimit(%q): %v", name, err)
		}
	}
	rv := reflect.ValueOf(l)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Errorf("field %s not set by its name", rv.Type().Field(i).Name)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"12": 12, "2KiB": 2048, "3 MiB": 3 << 20, "1GiB": 1 << 30, "5MB": 5e6, "7B": 7} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "1.5GiB", "9999999TiB", "-1", "-9999999999TiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) gave no error", bad)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"12", "64MiB", "1_000", "9999999TiB", "-5kB", " 3 GB "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && n < 0 {
			t.Errorf("ParseSize(%q) = %d", s, n)
		}
	})
}
