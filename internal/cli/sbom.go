package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/report"
	"github.com/fourc-dev/fourc/internal/sbom"
	"github.com/fourc-dev/fourc/internal/source"
)

func newSBOMCommand(g *globals) *cobra.Command {
	var format, output string
	var insecure bool
	var platform string
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
			target := args[0]
			var pkgs []inventory.Package
			if st, err := os.Stat(target); err == nil && st.IsDir() && !isOCILayout(target) {
				x, err := inventory.NewExtractor()
				if err != nil {
					return err
				}
				root, err := source.OpenRoot(target)
				if err != nil {
					return err
				}
				defer root.Close()
				p, skipped, err := x.Walk(cmd.Context(), root.FS())
				if err != nil {
					return fmt.Errorf("inventory of %q: %w", target, err)
				}
				for _, s := range skipped {
					g.logger.Warn("skipped", "path", s.Path, "reason", s.Reason)
				}
				pkgs = p
			} else {
				res, err := image.Scan(cmd.Context(), target, image.Options{Insecure: insecure, Platform: platform, NoSecrets: true, Now: g.now()})
				if err != nil {
					return fmt.Errorf("reading image %q: %w", target, err)
				}
				pkgs = res.Packages
			}
			meta := sbom.Meta{Name: target, Tool: "fourc", ToolVersion: Version(), Created: g.now()}
			write := func(w io.Writer) error { return sbom.Write(w, sbom.Format(format), pkgs, meta) }
			if output == "" || output == "-" {
				return write(cmd.OutOrStdout())
			}
			if err := report.WriteFileAtomic(output, 0o644, write); err != nil {
				return fmt.Errorf("writing SBOM: %w", err)
			}
			if !g.quiet {
				fmt.Fprintf(g.stderr, "fourc: %d packages; SBOM written to %s\n", len(pkgs), output)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "cyclonedx", "SBOM format: cyclonedx or spdx")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the SBOM to this file (atomically) instead of stdout")
	cmd.Flags().BoolVar(&insecure, "insecure", false, "allow plain HTTP and unverified TLS to the registry")
	cmd.Flags().StringVar(&platform, "platform", "", "platform of a multi-platform image, e.g. linux/arm64")
	addLimitFlags(cmd)
	cmd.AddCommand(newSBOMScanCommand(g))
	return cmd
}

// isOCILayout reports whether dir is an OCI image layout rather than a
// source tree.
func isOCILayout(dir string) bool {
	_, err := os.Stat(dir + "/oci-layout")
	return err == nil
}

func newSBOMScanCommand(g *globals) *cobra.Command {
	o := &outputOptions{}
	var dbPath string
	var vexFiles []string
	cmd := &cobra.Command{
		Use:   "scan FILE",
		Short: "Match a CycloneDX or SPDX SBOM against the vulnerability database",
		Example: `  fourc sbom scan sbom.cdx.json
  fourc sbom scan syft.spdx.json --format sarif --fail-on high`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			o.merge(cmd, cfg)
			keep, failOn, err := o.filters()
			if err != nil {
				return err
			}
			ign, err := o.loadIgnore(cmd, ".")
			if err != nil {
				return err
			}
			reg, err := registry()
			if err != nil {
				return fmt.Errorf("check catalogue: %w", err)
			}
			doc, err := sbom.ReadFile(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			pkgs := doc.Packages
			vs, notice, err := openVulnScanner(vulnOptions{dbPath: dbPath, vexFiles: vexFiles}, "", g.now())
			if err != nil {
				return err
			}
			if vs == nil {
				return fmt.Errorf("%s", notice)
			}
			defer vs.Close()
			fs, err := vs.Findings(cmd.Context(), pkgs)
			if err != nil {
				return fmt.Errorf("matching %q: %w", args[0], err)
			}
			unNotices, unSkipped := uncheckedPackages(vs.DB(), pkgs)
			return g.publish(cmd.Context(), *o, args[0], results{
				findings:   fs,
				skipped:    append(doc.Skipped, unSkipped...),
				suppressed: suppressedOf(vs),
				notices:    append([]string{notice, fmt.Sprintf("%s SBOM with %d packages", doc.Format, len(pkgs))}, unNotices...),
				ignore:     ign,
				checks:     reg.All(),
			}, keep, failOn)
		},
	}
	o.addFlags(cmd)
	o.addVulnDetailFlag(cmd)
	cmd.Flags().StringVar(&dbPath, "db", "", "vulnerability database file (default: $FOURC_DB or the user cache directory)")
	cmd.Flags().StringSliceVar(&vexFiles, "vex", nil, "OpenVEX or CycloneDX VEX documents; not_affected and fixed statements suppress findings")
	return cmd
}
