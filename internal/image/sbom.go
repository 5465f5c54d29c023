package image

import (
	"context"
	"io"

	"github.com/fourc-dev/fourc/internal/sbom"
)

// WriteSBOM lists the packages of the image ref names and writes them as
// an SBOM in the given format ("cyclonedx" or "spdx"). It runs the package
// inventory only: no secret or malware scan, no vulnerability matching, no signature
// check. An empty meta.Name is the image's name and digest.
func WriteSBOM(ctx context.Context, w io.Writer, ref string, format sbom.Format, opts Options, meta sbom.Meta) (*Result, error) {
	opts.NoSecrets, opts.NoMalware, opts.DB, opts.VerifyKey, opts.RequireSignature = true, true, nil, "", false
	res, err := Scan(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	if meta.Name == "" {
		meta.Name = res.Name + "@" + res.Digest
	}
	if err := sbom.Write(w, format, res.Packages, meta); err != nil {
		return nil, err
	}
	return res, nil
}
