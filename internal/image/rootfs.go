package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// OwnerIDs returns the numeric owner of the path, as the layer's tar
// header recorded it (internal/host reads ownership through it).
func (fi FileInfo) OwnerIDs() (uid, gid int) { return fi.UID, fi.GID }

// RootFS opens ref as a node's root file system and returns its merged,
// read-only view: a tarball of a root file system (plain, gzip or zstd),
// or an image as [Scan] opens it (docker archive, OCI archive or layout,
// registry reference). Nothing is extracted to disk: the view keeps the
// small configuration files (under etc/, the package databases, systemd
// and kernel configuration) in memory within opts.Limits and reads any
// other file back from its layer on demand. The caller closes the view.
func RootFS(ctx context.Context, ref string, opts Options) (*View, []finding.Skipped, error) {
	if st, err := os.Stat(ref); err == nil && st.Mode().IsRegular() {
		if _, derr := detect(ref); derr != nil {
			return rootfsTarball(ctx, ref, opts)
		}
	}
	src, err := open(ctx, ref, opts)
	if err != nil {
		return nil, nil, err
	}
	img := src.img
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("reading config of %q: %w", ref, err)
	}
	layers, err := imageLayers(img, cfg, src.opens)
	if err != nil {
		return nil, nil, fmt.Errorf("reading layers of %q: %w", ref, err)
	}
	wlim := opts.Limits.withBudgets(limits.From(ctx))
	var skipped []finding.Skipped
	if len(layers) > wlim.MaxLayers {
		skipped = append(skipped, finding.Skipped{Path: ref, Scanner: scannerName,
			Reason: fmt.Sprintf("layers %d to %d (of %d) not read: %v", wlim.MaxLayers, len(layers)-1, len(layers), limits.Exceeded("layers", wlim.MaxLayers))})
		layers = layers[:wlim.MaxLayers]
	}
	view, sk, err := BuildView(ctx, layers, WalkOptions{Limits: wlim, Keep: keepNodeConfig, Image: ref})
	if err != nil {
		return nil, nil, err
	}
	return view, append(skipped, sk...), nil
}

// rootfsTarball reads a tarball of a root file system as a one-layer view.
func rootfsTarball(ctx context.Context, p string, opts Options) (*View, []finding.Skipped, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, fmt.Errorf("opening root file system tarball %q: %w", p, err)
	}
	f.Close()
	layer := Layer{Index: 0, Open: func() (io.ReadCloser, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		return decompress(f)
	}}
	wlim := opts.Limits.withBudgets(limits.From(ctx))
	view, sk, err := BuildView(ctx, []Layer{layer}, WalkOptions{Limits: wlim, Keep: keepNodeConfig, Image: p})
	if err != nil {
		return nil, nil, fmt.Errorf("reading root file system tarball %q: %w", p, err)
	}
	if len(view.root.kids) == 0 {
		view.Close()
		if len(sk) > 0 {
			return nil, nil, fmt.Errorf("reading root file system tarball %q: %s", p, sk[0].Reason)
		}
		return nil, nil, fmt.Errorf("reading root file system tarball %q: %w", p, errors.New("no files in it"))
	}
	return view, sk, nil
}

// nodeConfigDirs are where a node keeps what host checks read; their
// files up to maxNodeConfig bytes are kept in memory.
var nodeConfigDirs = []string{"etc/", "run/", "proc/", "boot/config-", "var/lib/dpkg/status", "var/lib/kubelet/",
	"usr/lib/os-release", "usr/lib/modprobe.d/", "lib/modprobe.d/", "usr/lib/sysctl.d/", "lib/sysctl.d/",
	"usr/local/lib/", "usr/lib/systemd/system/", "lib/systemd/system/"}

const maxNodeConfig = 4 << 20

func keepNodeConfig(p string, fi fs.FileInfo) (bool, func(io.ReaderAt, int64) bool) {
	if fi.Size() > maxNodeConfig {
		return false, nil
	}
	for _, d := range nodeConfigDirs {
		if strings.HasPrefix(p, d) {
			return true, nil
		}
	}
	return false, nil
}
