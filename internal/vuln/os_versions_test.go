package vuln

import (
	"context"
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// TestOSVersionOrder checks the version order of the distributions'
// package managers — dpkg, apk and rpm — through the matcher: a package
// is affected when its version sorts below the fixed one.
func TestOSVersionOrder(t *testing.T) {
	tests := []struct {
		eco, installed, fixed string
		affected              bool
	}{
		// dpkg (Debian, Ubuntu): epoch, upstream version, revision.
		{"Debian:12", "3.0", "1:2.0", true},                           // an epoch outranks any upstream version
		{"Debian:12", "1:2.0", "3.0", false},                          //
		{"Debian:12", "0:2.0", "2.0", false},                          // epoch 0 is no epoch
		{"Debian:12", "1.0~rc1", "1.0", true},                         // ~ sorts before the end
		{"Debian:12", "1.0~rc1", "1.0~rc2", true},                     //
		{"Debian:12", "1.0~~a", "1.0~", true},                         // ~~ before ~
		{"Debian:12", "1.0", "1.0+b1", true},                          // + sorts after the end
		{"Debian:12", "2.36-9+deb12u3", "2.36-9+deb12u10", true},      // revisions compare digits as numbers
		{"Debian:12", "2.36-9+deb12u10", "2.36-9+deb12u3", false},     // (a string compare gets this wrong)
		{"Debian:12", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2", true},   //
		{"Debian:12", "3.0.11-1~deb12u2", "3.0.11-1", true},           // a ~ backport sorts below the unstable upload
		{"Debian:12", "1.0-9", "1.0-10", true},                        //
		{"Debian:12", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3", true}, // openssh, DSA-5724-1
		{"Debian:12", "1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u3", false},
		{"Debian:12", "9.2p1-2+deb12u9", "1:9.2p1-2+deb12u3", true}, // no epoch < epoch 1
		{"Debian:12", "1.2a", "1.2", false},                         // letters sort after the end
		{"Ubuntu:22.04:LTS", "2.35-0ubuntu3.1", "2.35-0ubuntu3.4", true},
		{"Ubuntu:22.04:LTS", "2.35-0ubuntu3.10", "2.35-0ubuntu3.4", false},

		// apk (Alpine, Wolfi, Chainguard): -rN package releases, _suffixes.
		{"Alpine:v3.20", "1.1.24-r2", "1.1.24-r10", true}, // releases compare as numbers
		{"Alpine:v3.20", "1.1.24-r10", "1.1.24-r2", false},
		{"Alpine:v3.20", "1.2.3", "1.2.3-r0", false}, // no release is -r0
		{"Alpine:v3.20", "1.2.3_rc1", "1.2.3", true}, // pre-release suffixes sort first
		{"Alpine:v3.20", "1.2.3_alpha", "1.2.3_beta", true},
		{"Alpine:v3.20", "1.2.3_beta2", "1.2.3_pre1", true},
		{"Alpine:v3.20", "1.2.3_pre1", "1.2.3_rc1", true},
		{"Alpine:v3.20", "1.2.3", "1.2.3_p1", true}, // _p (patch) sorts after the release
		{"Alpine:v3.20", "1.2.3_p1", "1.2.3", false},
		{"Alpine:v3.20", "1.2.3_p1-r0", "1.2.3_p2-r0", true},
		{"Alpine:v3.20", "1.2.3a-r0", "1.2.3b-r0", true}, // a letter after the digits
		{"Alpine:v3.20", "1.2.10-r0", "1.2.9-r0", false},
		{"Alpine:v3.20", "1.1.1d-r2", "1.1.1d-r3", true}, // openssl, CVE-2019-1551
		{"Wolfi", "3.3.2-r0", "3.3.2-r1", true},

		// rpm (Red Hat, Rocky, Alma, SUSE): epoch, version, release.
		{"Red Hat", "1.0-1.el9", "1:0.5-1.el9", true}, // an epoch outranks any version
		{"Red Hat", "1:0.5-1.el9", "1.0-1.el9", false},
		{"Red Hat", "0:1.0-1.el9", "1.0-1.el9", false}, // epoch 0 is no epoch
		{"Red Hat", "1.0-2.el9", "1.0-10.el9", true},   // releases compare digits as numbers
		{"Red Hat", "1.0-1.el9", "1.0-1.el9_2", true},  // a z-stream release sorts after
		{"Red Hat", "1.0~rc1-1", "1.0-1", true},        // ~ sorts before the end
		{"Red Hat", "1.0-1", "1.0^post1-1", true},      // ^ sorts after the end
		{"Rocky Linux", "8.7p1-38.el9_4", "8.7p1-38.el9_4.1", true},
		{"AlmaLinux:9", "2.34-100.el9_4.2", "2.34-100.el9_4.12", true},
		{"SUSE:15.5", "1.1.1l-150500.17.25.1", "1.1.1l-150500.17.9.1", false},
		{"openSUSE:Leap 15.5", "3.0.8-150500.5.8.1", "3.0.8-150500.5.14.1", true},
	}
	for _, tc := range tests {
		t.Run(tc.eco+"/"+tc.installed+"<"+tc.fixed, func(t *testing.T) {
			r := &vulndb.Record{ID: "TEST-1", Affected: []vulndb.Affected{{
				Package: vulndb.Package{Ecosystem: tc.eco, Name: "p"},
				Ranges: []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{
					{Introduced: "0"}, {Fixed: tc.fixed},
				}}},
			}}}
			got, fixed := Affects(r, inventory.Package{Ecosystem: tc.eco, Name: "p", Version: tc.installed})
			if got != tc.affected {
				t.Errorf("%s %s with a fix in %s: affected = %v, want %v", tc.eco, tc.installed, tc.fixed, got, tc.affected)
			}
			if got && fixed != tc.fixed {
				t.Errorf("fixed version = %q, want %q", fixed, tc.fixed)
			}
		})
	}
}

// TestReleaseEcosystems checks which records a distribution package is
// matched against: its own release, the unsuffixed ecosystem, and longer
// forms of its release (osv-scalibr names Ubuntu packages "Ubuntu:22.04",
// OSV files them under "Ubuntu:22.04:LTS"), never another release.
func TestReleaseEcosystems(t *testing.T) {
	db := fixtureDB(t,
		`{"id":"UBUNTU-CVE-2024-1","affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.35-0ubuntu3.8"}]}]}]}`,
		`{"id":"UBUNTU-CVE-2024-2","affected":[{"package":{"ecosystem":"Ubuntu:Pro:22.04:LTS","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
		`{"id":"UBUNTU-CVE-2024-3","affected":[{"package":{"ecosystem":"Ubuntu:20.04:LTS","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
		`{"id":"DEBIAN-CVE-2024-4","affected":[{"package":{"ecosystem":"Debian","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	)
	m := NewMatcher(db)
	for _, tc := range []struct {
		pkg  inventory.Package
		want []string
	}{
		{inventory.Package{Name: "glibc", Version: "2.35-0ubuntu3.4", Ecosystem: "Ubuntu:22.04"}, []string{"UBUNTU-CVE-2024-1"}},
		{inventory.Package{Name: "glibc", Version: "2.35-0ubuntu3.10", Ecosystem: "Ubuntu:22.04"}, nil},
		{inventory.Package{Name: "glibc", Version: "2.31-0ubuntu9", Ecosystem: "Ubuntu:20.04"}, []string{"UBUNTU-CVE-2024-3"}},
		{inventory.Package{Name: "glibc", Version: "2.36-9", Ecosystem: "Debian:12"}, []string{"DEBIAN-CVE-2024-4"}},
	} {
		vs, err := m.Match(context.Background(), []inventory.Package{tc.pkg})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s on %s: %v, want %v", tc.pkg, tc.pkg.Ecosystem, got, tc.want)
		}
		if !db.Covers(tc.pkg.Ecosystem) {
			t.Errorf("Covers(%q) = false", tc.pkg.Ecosystem)
		}
	}
}
