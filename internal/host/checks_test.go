package host_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/host/hosttest"
)

// TestCheckFixtures runs every OS check over its pass and fail fixtures:
// testdata/checks/<ID>/{pass,fail}/<case>/ is a root filesystem.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, host.Checks(), "testdata/checks", func(t *testing.T, dir string) ([]finding.Finding, []finding.Skipped) {
		n, err := hosttest.Node(dir)
		if err != nil {
			t.Fatal(err)
		}
		return host.ScanNode(context.Background(), n, host.Options{})
	}, checktest.PerEntry(), checktest.WithoutLine())
}

// TestCatalogue validates every OS check's metadata.
func TestCatalogue(t *testing.T) {
	if _, err := check.NewRegistry(host.Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range host.Checks() {
		if !strings.HasPrefix(m.ID, "FC-HOST-") {
			t.Errorf("%s: ID outside the HOST area", m.ID)
		}
		if m.Layer != finding.LayerCloud {
			t.Errorf("%s: layer %v, want Cloud", m.ID, m.Layer)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
	}
}
