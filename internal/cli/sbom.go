package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/sbom"
	"github.com/fourc-dev/fourc/internal/source"
)

type sbomOptions struct {
	format, output, platform string
	insecure                 bool
}

func newSBOMCommand(g *globals) *cobra.Command {
	o := &sbomOptions{}
	cmd := &cobra.Command{
		Use:   "sbom PATH|REF",
		Short: "Write a software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON)",
		Long: `Inventory the packages of a source tree (lockfiles, manifests, Go binaries)
or of a container image, and write them as CycloneDX 1.6 or SPDX 2.3 JSON.
'fourc sbom scan FILE' matches an SBOM (fourc's or another tool's) against
the vulnerability database.`,
		Example: `  fourc sbom . --format cyclonedx --output sbom.cdx.json
  fourc sbom ghcr.io/acme/api:1.4.2 --format spdx`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.writeSBOM(cmd.Context(), cmd.OutOrStdout(), o, args[0])
		},
	}
	cmd.Flags().StringVarP(&o.format, "format", "f", "cyclonedx", "SBOM format: cyclonedx or spdx")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the SBOM to this file (atomically) instead of stdout")
	cmd.Flags().BoolVar(&o.insecure, "insecure", false, "allow plain HTTP and unverified TLS to the registry")
	cmd.Flags().StringVar(&o.platform, "platform", "", "platform of a multi-platform image, e.g. linux/arm64")
	addLimitFlags(cmd)
	cmd.AddCommand(newSBOMScanCommand(g))
	return cmd
}

// writeSBOM writes the SBOM of a source tree or, through image.WriteSBOM,
// of an image.
func (g *globals) writeSBOM(ctx context.Context, stdout io.Writer, o *sbomOptions, target string) error {
	meta := sbom.Meta{Name: target, Tool: "fourc", ToolVersion: Version(), Created: g.now()}
	n := 0
	write := func(w io.Writer) error {
		if st, err := os.Stat(target); err == nil && st.IsDir() && !isOCILayout(target) {
			pkgs, err := g.treePackages(ctx, target)
			if err != nil {
				return err
			}
			n = len(pkgs)
			return sbom.Write(w, sbom.Format(o.format), pkgs, meta)
		}
		if err := missingPath(target); err != nil {
			return err
		}
		res, err := image.WriteSBOM(ctx, w, target, sbom.Format(o.format), image.Options{Insecure: o.insecure, Platform: o.platform, Now: g.now()}, meta)
		if err != nil {
			return fmt.Errorf("reading image %q: %w", target, err)
		}
		n = len(res.Packages)
		return nil
	}
	if o.output == "" || o.output == "-" {
		return write(stdout)
	}
	if err := report.WriteFileAtomic(o.output, 0o644, write); err != nil {
		return fmt.Errorf("writing SBOM: %w", err)
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "fourc: %d packages; SBOM written to %s\n", n, o.output)
	}
	return nil
}

// treePackages inventories the packages of a source tree.
func (g *globals) treePackages(ctx context.Context, dir string) ([]inventory.Package, error) {
	x, err := inventory.NewExtractor()
	if err != nil {
		return nil, err
	}
	root, err := source.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	pkgs, skipped, err := x.Walk(ctx, root.FS())
	if err != nil {
		return nil, fmt.Errorf("inventory of %q: %w", dir, err)
	}
	for _, s := range skipped {
		g.logger.Warn("skipped", "path", s.Path, "reason", s.Reason)
	}
	return pkgs, nil
}

// missingPath reports a target that is written as a file path (absolute,
// ./ or ../, or a tar archive name) but does not exist, instead of trying
// it as an image reference.
func missingPath(target string) error {
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	pathLike := filepath.IsAbs(target) || strings.HasPrefix(target, "./") || strings.HasPrefix(target, "../") || target == "." || target == ".."
	for _, ext := range []string{".tar", ".tar.gz", ".tgz"} {
		pathLike = pathLike || strings.HasSuffix(target, ext)
	}
	if !pathLike {
		return nil
	}
	return fmt.Errorf("%q does not exist: give a directory, an image archive or layout, or an image reference", target)
}

// isOCILayout reports whether dir is an OCI image layout rather than a
// source tree.
func isOCILayout(dir string) bool {
	_, err := os.Stat(dir + "/oci-layout")
	return err == nil
}

func newSBOMScanCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var vo vulnOptions
	cmd := &cobra.Command{
		Use:   "scan FILE",
		Short: "Match a CycloneDX or SPDX SBOM against the vulnerability database",
		Example: `  fourc sbom scan sbom.cdx.json
  fourc sbom scan syft.spdx.json --format sarif --fail-on high`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.scanSBOM(cmd, o, vo, args[0])
		},
	}
	o.addFlags(cmd)
	o.addVulnDetailFlag(cmd)
	cmd.Flags().StringVar(&vo.dbPath, "db", "", "vulnerability database file (default: $FOURC_DB or the user cache directory)")
	cmd.Flags().StringSliceVar(&vo.vexFiles, "vex", nil, "OpenVEX or CycloneDX VEX documents; not_affected and fixed statements suppress findings")
	return configured(cmd)
}

// scanSBOM matches the packages of an SBOM file against the database.
func (g *globals) scanSBOM(cmd *cobra.Command, o *outputOptions, vo vulnOptions, file string) error {
	plan, err := g.plan(cmd, o, ".")
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	doc, err := sbom.ReadFile(cmd.Context(), file)
	if err != nil {
		return err
	}
	vs, notice, err := openVulnScanner(vo, "", g.now())
	if err != nil {
		return err
	}
	if vs == nil {
		return fmt.Errorf("%s", notice)
	}
	defer closeVuln(vs)
	fs, err := vs.Findings(cmd.Context(), doc.Packages)
	if err != nil {
		return fmt.Errorf("matching %q: %w", file, err)
	}
	unNotices, unSkipped := pipeline.UncheckedPackages(vs.DB(), doc.Packages)
	return g.publish(cmd.Context(), plan, pipeline.Input{
		Target:     file,
		Findings:   fs,
		Skipped:    append(doc.Skipped, unSkipped...),
		Suppressed: suppressedOf(vs),
		Notices:    append([]string{notice, fmt.Sprintf("%s SBOM with %d packages", doc.Format, len(doc.Packages))}, unNotices...),
		Checks:     reg.All(),
	})
}
