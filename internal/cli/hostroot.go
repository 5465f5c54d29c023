package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/image"
)

// openHostRoot opens what `fourc host` was given as a node: a directory
// (the root itself, confined), or else a root file system tarball or an
// image (docker archive, OCI archive or layout, registry reference), read
// through the image layer walker into a bounded, read-only view. The
// returned function releases the view.
func openHostRoot(ctx context.Context, arg string, insecure bool) (*host.Node, []finding.Skipped, func(), error) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		if _, err := os.Stat(filepath.Join(arg, "index.json")); err != nil {
			n, err := host.Open(arg)
			return n, nil, func() {}, err
		}
	}
	view, sk, err := image.RootFS(ctx, arg, image.Options{Insecure: insecure})
	if err != nil {
		return nil, nil, nil, err // it names arg
	}
	return host.NewNode(view, arg), sk, func() { view.Close() }, nil
}
