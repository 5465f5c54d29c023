package audit

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// analyzeFixture runs the analyzer over one fixture: a file of audit
// events, or a folder with audit.log and, optionally, profile.json and
// trusted-networks (one CIDR a line).
func analyzeFixture(t *testing.T, path string) ([]finding.Finding, []finding.Skipped) {
	t.Helper()
	var opts Options
	log := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		log = filepath.Join(path, "audit.log")
		if f, err := os.Open(filepath.Join(path, "profile.json")); err == nil {
			p, err := ReadProfile(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			opts.Profile = p
		}
		if f, err := os.Open(filepath.Join(path, "trusted-networks")); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				opts.TrustedNetworks = append(opts.TrustedNetworks, netip.MustParsePrefix(strings.TrimSpace(sc.Text())))
			}
			f.Close()
		}
	}
	a := New(opts)
	_, skipped, err := Read(context.Background(), []string{log}, nil, ReadOptions{}, a.Observe)
	if err != nil {
		t.Fatal(err)
	}
	return a.Findings(), skipped
}

func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Checks(), "testdata/checks", analyzeFixture, checktest.PerEntry(), checktest.Parallel())
}

func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range Checks() {
		if !strings.HasPrefix(m.ID, "FC-RT-") || m.Layer != finding.LayerCluster || len(m.References) == 0 {
			t.Errorf("%s: want an FC-RT- ID, layer Cluster and a reference", m.ID)
		}
	}
}

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.CheckID) {
			out = append(out, f.CheckID)
		}
	}
	slices.Sort(out)
	return out
}

func describe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s: %s", f.CheckID, f.Resource, f.Message)
	}
	return b.String()
}
