package host

import (
	"context"
	"slices"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Entry points only tests use: the CLI opens the root itself (a directory,
// a tarball or an image) and calls ScanNode.

// Scan opens the root filesystem at root and runs the OS checks and every
// suite over it. The error is for a root that cannot be opened at all;
// anything else it cannot read is reported as skipped.
func Scan(ctx context.Context, root string, opts Options) ([]finding.Finding, []finding.Skipped, error) {
	n, err := Open(root)
	if err != nil {
		return nil, nil, err
	}
	fs, sk := ScanNode(ctx, n, opts)
	return fs, sk, nil
}

// All returns every handler name, sorted, without duplicates.
func (h RuntimeHandlers) All() []string {
	out := append(slices.Clone(h.Containerd), h.CRIO...)
	slices.Sort(out)
	return slices.Compact(out)
}
