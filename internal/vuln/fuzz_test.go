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

// FuzzRecordSeverity rates arbitrary OSV records: rating must never panic,
// give a valid severity, a CVSS score from 0 to 10, and the effective
// severity of every reachability must be valid too.
func FuzzRecordSeverity(f *testing.F) {
	f.Add([]byte(`{"id":"GHSA-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"database_specific":{"severity":"LOW"}}`))
	f.Add([]byte(`{"id":"DEBIAN-1","database_specific":{"urgency":"low*"},"affected":[{"package":{"ecosystem":"Debian:12","name":"m"},"database_specific":{"severity":7}}]}`))
	f.Add([]byte(`{"id":"X","severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N"},{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r vulndb.Record
		if json.Unmarshal(data, &r) != nil {
			return
		}
		sev, score, _ := RecordSeverity(&r, inventory.Package{Name: "m", Version: "1", Ecosystem: "Debian:12"})
		if !sev.Valid() || score < 0 || score > 10 {
			t.Fatalf("RecordSeverity = %s, %v", sev, score)
		}
		v := Vulnerability{ID: "X", Records: []*vulndb.Record{&r}, Aliases: r.Aliases}
		rt := rate(&v, nil)
		for _, reach := range []string{"called", "imported", "required", "not_analysed"} {
			if eff, why := Effective(rt.Severity, reach, false); !eff.Valid() || why == "" {
				t.Fatalf("Effective(%s, %s) = %s, %q", rt.Severity, reach, eff, why)
			}
		}
	})
}
