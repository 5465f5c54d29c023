package cli

import (
	"strings"
	"testing"
)

// TestOperatorUsage: a bad --scan-mode, or Jobs without an image to run,
// is a usage error (exit 2) before anything connects to a cluster.
func TestOperatorUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"k8s", "operator", "--scan-mode", "cron"}, `invalid --scan-mode "cron"`},
		{[]string{"k8s", "operator", "--scan-mode", "job"}, "--scan-image is required"},
		{[]string{"k8s", "operator", "--scan-mode", "inprocess", "--node-scans"}, "--scan-image is required"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
