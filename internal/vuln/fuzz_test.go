package vuln

import (
	"encoding/json"
	"testing"

	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// FuzzAffects evaluates arbitrary OSV affected entries against arbitrary
// versions in every ecosystem family: matching must never panic, and a
// reported fixed version must come from the record.
func FuzzAffects(f *testing.F) {
	f.Add([]byte(`[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}]`), "Go", "1.0.0")
	f.Add([]byte(`[{"package":{"ecosystem":"PyPI","name":"m"},"versions":["1.0rc1"],"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"2.0.post1"}]}]}]`), "PyPI", "1.5")
	f.Add([]byte(`[{"package":{"ecosystem":"Debian:12","name":"m"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"*"},{"fixed":"1:2.3-4"}]}]}]`), "Debian:12", "1:2.3-3")
	f.Add([]byte(`[{"package":{"ecosystem":"Maven","name":"m"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0-alpha"},{"fixed":"1.0.RELEASE"}]}]}]`), "Maven", "1.0-beta")
	f.Fuzz(func(t *testing.T, affected []byte, eco, version string) {
		var r vulndb.Record
		if json.Unmarshal(affected, &r.Affected) != nil {
			return
		}
		r.ID = "FUZZ-1"
		ok, fixed := Affects(&r, inventory.Package{Name: "m", Version: version, Ecosystem: eco})
		if !ok && fixed != "" {
			t.Fatalf("not affected but fixed in %q", fixed)
		}
		if fixed == "" {
			return
		}
		for _, a := range r.Affected {
			for _, rg := range a.Ranges {
				for _, e := range rg.Events {
					if e.Fixed == fixed {
						return
					}
				}
			}
		}
		t.Fatalf("fixed version %q is in no fixed event", fixed)
	})
}
