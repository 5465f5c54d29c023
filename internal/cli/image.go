package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/image"
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
	return cmd
}

func runImage(cmd *cobra.Command, g *globals, o *imageOptions, ref string) error {
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
	var notices []string
	opts := image.Options{
		Insecure:         o.insecure,
		Platform:         o.platform,
		VerifyKey:        o.verifyKey,
		RequireSignature: o.requireSignature,
		NoSecrets:        o.noSecrets,
		Now:              g.now(),
	}
	db, notice, err := openDB(o.dbPath)
	if err != nil {
		return err
	}
	if db != nil {
		defer db.Close()
		opts.DB = db
	}
	notices = append(notices, notice)
	prog := g.progress("scanning image " + ref)
	res, err := image.Scan(cmd.Context(), ref, opts)
	prog.finish()
	if err != nil {
		return fmt.Errorf("scanning image %q: %w", ref, err)
	}
	notices = append(notices, imageNotice(res))
	unNotices, unSkipped := uncheckedPackages(db, res.Packages)
	return g.publish(cmd.Context(), o.outputOptions, ref, results{
		findings: res.Findings,
		skipped:  append(res.Skipped, unSkipped...),
		notices:  append(notices, unNotices...),
		ignore:   ign,
		checks:   reg.All(),
	}, keep, failOn)
}

func imageNotice(res *image.Result) string {
	osName := "no OS release file"
	if res.OS.ID != "" {
		osName = res.OS.ID + " " + res.OS.VersionID
	}
	return fmt.Sprintf("image %s (%s): %s, %d layers, %d packages, %d files", res.Name, res.Digest, osName, len(res.Layers), len(res.Packages), res.Files)
}

// openDB opens the vulnerability database for commands that match
// packages outside `fourc scan`. A missing database is a notice, not an
// error.
func openDB(path string) (*vulndb.DB, string, error) {
	if path == "" {
		p, err := vulndb.DefaultPath()
		if err != nil {
			return nil, "", err
		}
		path = p
	}
	db, err := vulndb.Open(path)
	if errors.Is(err, vulndb.ErrNoDatabase) {
		return nil, fmt.Sprintf("no vulnerability database at %s, so packages were not matched; run 'fourc db update' or 'fourc db import --starter'", path), nil
	}
	if err != nil {
		return nil, "", dbError(path, err)
	}
	st := db.Status()
	return db, fmt.Sprintf("vulnerability database: %d records, built %s", st.Records, st.BuiltAt.UTC().Format("2006-01-02")), nil
}
