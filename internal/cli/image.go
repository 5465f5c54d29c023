package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/pipeline"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

type imageOptions struct {
	outputOptions
	dbPath           string
	insecure         bool
	platform         string
	verifyKey        string
	requireSignature bool
	noSecrets        bool
	offline          bool
}

func newImageCommand(g *globals) *cobra.Command {
	o := &imageOptions{}
	cmd := &cobra.Command{
		Use:   "image REF",
		Short: "Scan a container image: packages, vulnerabilities, secrets, configuration, signatures",
		Long: `Scan a container image from a registry (with your docker credentials), a
docker-archive tarball ('docker save'), an OCI tarball or an OCI layout
directory. Layers are streamed with whiteouts applied; files deleted by a
later layer are still searched for secrets.`,
		Example: `  fourc image ghcr.io/acme/api:1.4.2
  fourc image app.tar --format sarif --output image.sarif
  fourc image localhost:5000/app:dev --insecure --verify-key cosign.pub`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImage(cmd, g, o, args[0])
		},
	}
	o.addFlags(cmd)
	o.addVulnDetailFlag(cmd)
	f := cmd.Flags()
	f.StringVar(&o.dbPath, "db", "", "vulnerability database file (default: $FOURC_DB or the user cache directory)")
	f.BoolVar(&o.insecure, "insecure", false, "allow plain HTTP and unverified TLS to the registry")
	f.StringVar(&o.platform, "platform", "", "platform of a multi-platform image, e.g. linux/arm64")
	f.StringVar(&o.verifyKey, "verify-key", "", "verify Cosign signatures with this public key (PEM)")
	f.BoolVar(&o.requireSignature, "require-signature", false, "report the image when it carries no valid signature")
	f.BoolVar(&o.noSecrets, "no-secrets", false, "do not search layers and configuration for secrets")
	f.BoolVar(&o.offline, "offline", false, "never touch the network: read only image archives and layouts, never a registry")
	return configured(cmd)
}

func runImage(cmd *cobra.Command, g *globals, o *imageOptions, ref string) error {
	plan, err := g.plan(cmd, &o.outputOptions, ".")
	if err != nil {
		return err
	}
	reg, err := registry()
	if err != nil {
		return fmt.Errorf("check catalogue: %w", err)
	}
	db, dbNotice, err := vulndb.OpenForScan(o.dbPath, g.now())
	if err != nil {
		return err
	}
	opts := image.Options{
		Insecure:         o.insecure,
		Platform:         o.platform,
		VerifyKey:        o.verifyKey,
		RequireSignature: o.requireSignature,
		NoSecrets:        o.noSecrets,
		Now:              g.now(),
	}
	if db != nil {
		defer db.Close()
		opts.DB = db
	}
	if err := missingPath(ref); err != nil {
		return err
	}
	if _, err := os.Stat(ref); err != nil && o.offline {
		return usageError{Err: fmt.Errorf("--offline reads no registry, and %q is not a local image archive or layout", ref)}
	}
	ctx, done := g.status(cmd.Context())
	res, err := image.Scan(ctx, ref, opts)
	done()
	if err != nil {
		return fmt.Errorf("scanning image %q: %w", ref, err)
	}
	unNotices, unSkipped := pipeline.UncheckedPackages(db, res.Packages)
	return g.publish(cmd.Context(), plan, pipeline.Input{
		Target:   ref,
		Findings: res.Findings,
		Skipped:  append(res.Skipped, unSkipped...),
		Notices:  append([]string{dbNotice, imageNotice(res)}, unNotices...),
		Checks:   reg.All(),
	})
}

func imageNotice(res *image.Result) string {
	osName := "no OS release file"
	if res.OS.ID != "" {
		osName = res.OS.ID + " " + res.OS.VersionID
	}
	return fmt.Sprintf("image %s (%s): %s, %d layers, %d packages, %d files", res.Name, res.Digest, osName, len(res.Layers), len(res.Packages), res.Files)
}
