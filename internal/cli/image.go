package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/malware"
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
	noMalware        bool
	malwareHashes    []string
	yaraRules        []string
	offline          bool
}

func newImageCommand(g *globals) *cobra.Command {
	o := &imageOptions{}
	cmd := &cobra.Command{
		Use:   "image REF",
		Short: "Scan a container image: packages, vulnerabilities, secrets, malware, configuration, signatures",
		Long: `Scan a container image from a registry (with your docker credentials), a
docker-archive tarball ('docker save'), an OCI tarball or an OCI layout
directory. Layers are streamed with whiteouts applied; files deleted by a
later layer are still searched for secrets and malware.`,
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
	f.BoolVar(&o.noMalware, "no-malware", false, "do not search layers and configuration for malware")
	addMalwareHashesFlag(cmd, &o.malwareHashes)
	addYaraRulesFlag(cmd, &o.yaraRules)
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
	if db != nil {
		defer db.Close()
	}
	// After the database, as before: a damaged database is reported
	// whatever the image.
	if err := checkImageRef(ref, o.offline); err != nil {
		return err
	}
	mo, ruleNotices, err := malwareOptions(o.malwareHashes, o.yaraRules)
	if err != nil {
		return err
	}
	opts := image.Options{
		Malware:          malware.NewDetector(mo),
		NoMalware:        o.noMalware,
		Insecure:         o.insecure,
		Platform:         o.platform,
		VerifyKey:        o.verifyKey,
		RequireSignature: o.requireSignature,
		NoSecrets:        o.noSecrets,
		Now:              g.now(),
	}
	sc, err := g.scanImage(cmd.Context(), ref, opts, db)
	if err != nil {
		return err
	}
	return g.publish(cmd.Context(), plan, pipeline.Input{
		Target:   ref,
		Findings: sc.res.Findings,
		Skipped:  sc.skipped,
		Notices:  append(append([]string{dbNotice}, ruleNotices...), sc.notices...),
		Checks:   reg.All(),
	})
}

// addMalwareHashesFlag adds --malware-hashes, the known-bad hash lists
// of the malware scan (docs/malware.md gives the format).
func addMalwareHashesFlag(cmd *cobra.Command, files *[]string) {
	cmd.Flags().StringArrayVar(files, "malware-hashes", nil, "also report files whose SHA-256 is in this known-bad list (\"HEX  name\" lines or \"HEX,name,severity\"; repeatable; see docs/malware.md)")
}

// checkImageRef refuses, before anything is scanned, an image reference
// that can name nothing: a missing archive, a malformed reference, or a
// registry reference under --offline. Whether a registry answers is found
// out only by the scan.
func checkImageRef(ref string, offline bool) error {
	if err := missingPath(ref); err != nil {
		return err
	}
	kind, err := image.CheckRef(ref)
	if err != nil {
		return usageError{Err: err}
	}
	if offline && kind == image.KindRegistry {
		return usageError{Err: fmt.Errorf("--offline reads no registry, and %q is not a local image archive or layout", ref)}
	}
	return nil
}

// imageScan is what scanning one image gives a report.
type imageScan struct {
	res     *image.Result
	notices []string
	skipped []finding.Skipped
}

// scanImage scans one image, for `fourc image` and `fourc scan --image`
// alike: its packages are matched against db when there is one, and the
// packages db cannot check are reported as skipped.
func (g *globals) scanImage(ctx context.Context, ref string, opts image.Options, db *vulndb.DB) (*imageScan, error) {
	if db != nil {
		opts.DB = db
	}
	ctx, done := g.status(ctx)
	res, err := image.Scan(ctx, ref, opts)
	done()
	if err != nil {
		return nil, fmt.Errorf("scanning image %q: %w", ref, err)
	}
	unNotices, unSkipped := pipeline.UncheckedPackages(db, res.Packages)
	return &imageScan{
		res:     res,
		notices: append([]string{imageNotice(res)}, unNotices...),
		skipped: append(res.Skipped, unSkipped...),
	}, nil
}

func imageNotice(res *image.Result) string {
	osName := "no OS release file"
	if res.OS.ID != "" {
		osName = res.OS.ID + " " + res.OS.VersionID
	}
	return fmt.Sprintf("image %s (%s): %s, %d layers, %d packages, %d files", res.Name, res.Digest, osName, len(res.Layers), len(res.Packages), res.Files)
}
