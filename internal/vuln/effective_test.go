package vuln

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
)

func TestEffective(t *testing.T) {
	const (
		unknown  = finding.SeverityUnknown
		low      = finding.SeverityLow
		medium   = finding.SeverityMedium
		high     = finding.SeverityHigh
		critical = finding.SeverityCritical
	)
	tests := []struct {
		base  finding.Severity
		reach string
		fixed bool
		want  finding.Severity
		why   string
	}{
		{unknown, finding.ReachCalled, true, high, "UNKNOWN (the advisory has no CVSS score or rating), taken as HIGH because the vulnerable code is called"},
		{medium, finding.ReachCalled, true, medium, "MEDIUM as rated; the vulnerable code is called"},
		{critical, finding.ReachImported, true, high, "CRITICAL lowered to HIGH because the vulnerable package is imported but no vulnerable function is called"},
		{high, finding.ReachRequired, true, medium, "HIGH lowered to MEDIUM because the module is required but no vulnerable package is imported"},
		{unknown, finding.ReachRequired, true, low, "UNKNOWN lowered to LOW because the module is required but no vulnerable package is imported"},
		{low, finding.ReachImported, true, low, "LOW as rated; the vulnerable package is imported but no vulnerable function is called"},
		{unknown, finding.ReachNotAnalysed, true, unknown, "UNKNOWN: the advisory has no CVSS score or rating and reachability was not analysed"},
		{high, finding.ReachNotAnalysed, false, high, "HIGH as rated; reachability not analysed; no fix is published"},
		{unknown, finding.ReachCalled, false, high, "UNKNOWN (the advisory has no CVSS score or rating), taken as HIGH because the vulnerable code is called; no fix is published"},
	}
	for _, tc := range tests {
		got, why := Effective(tc.base, tc.reach, tc.fixed)
		if got != tc.want || why != tc.why {
			t.Errorf("Effective(%s, %q, %v) = %s, %q; want %s, %q", tc.base, tc.reach, tc.fixed, got, why, tc.want, tc.why)
		}
	}
}

// TestSeverityThroughAliases rates a Go advisory that has no score of its
// own through the records of its aliases, filed for other ecosystems, and
// reads a Debian urgency.
func TestSeverityThroughAliases(t *testing.T) {
	db := fixtureDB(t,
		`{"id":"GO-2024-0001","aliases":["CVE-2024-1111","GHSA-eeee-eeee-eeee"],"summary":"go bug",
		  "affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},
		   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}`,
		// The same vulnerability, filed by GitHub for npm, with a CVSS v3
		// vector and a lower qualitative rating: the score wins.
		`{"id":"GHSA-eeee-eeee-eeee","aliases":["CVE-2024-1111"],"database_specific":{"severity":"LOW"},
		  "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
		  "affected":[{"package":{"ecosystem":"npm","name":"m"},
		   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]}]}`,
		// Found only through the reverse alias index: its own ID is none of
		// the Go advisory's, it names the CVE as upstream.
		`{"id":"GO-2024-0002","aliases":["CVE-2024-3333"],"summary":"another go bug",
		  "affected":[{"package":{"ecosystem":"Go","name":"example.com/n"},
		   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}]}]}`,
		`{"id":"UBUNTU-CVE-2024-3333","upstream":["CVE-2024-3333"],
		  "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
		  "affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"golang-n"},
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1-1"}]}]}]}`,
		`{"id":"DEBIAN-CVE-2024-2222","database_specific":{"urgency":"high"},
		  "affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},
		   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.3-1"}]}]}]}`,
	)
	m := NewMatcher(db)
	vs, err := m.Match(context.Background(), []inventory.Package{
		{Name: "example.com/m", Version: "1.0.0", Ecosystem: "Go"},
		{Name: "example.com/n", Version: "1.0.0", Ecosystem: "Go"},
		{Name: "zlib", Version: "1:1.2.13.dfsg-1", Ecosystem: "Debian:12"},
	})
	if err != nil {
		t.Fatal(err)
	}
	type rated struct {
		ID, Source string
		Severity   finding.Severity
		Score      float64
	}
	var got []rated
	for _, v := range vs {
		got = append(got, rated{v.ID, v.SeveritySource, v.Severity, v.Score})
	}
	want := []rated{
		{"GO-2024-0001", "cvss_v3 of GHSA-eeee-eeee-eeee", finding.SeverityCritical, 9.8},
		{"GO-2024-0002", "cvss_v3 of UBUNTU-CVE-2024-3333", finding.SeverityHigh, 7.5},
		{"DEBIAN-CVE-2024-2222", "rating", finding.SeverityHigh, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ratings (-want +got):\n%s", diff)
	}
	// The finding carries it in structured form, effective severity set.
	for _, v := range vs {
		if v.ID != "GO-2024-0001" {
			continue
		}
		v.Reachability = ReachabilityRequired
		var f finding.Finding
		Apply(&f, v)
		d := f.Vulnerability
		if f.Severity != finding.SeverityHigh || d.BaseSeverity != finding.SeverityCritical || d.CVSS == nil || d.CVSS.Score != 9.8 ||
			d.Reachability.Level != finding.ReachRequired || !cmp.Equal(d.FixedVersions, []string{"v1.2.0"}) || d.InstalledVersion != "v1.0.0" {
			t.Errorf("Apply: severity %s, vulnerability %+v", f.Severity, d)
		}
	}
}
