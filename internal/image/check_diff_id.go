package image

// Inspects: each layer's uncompressed content, hashed while it streams,
// against the diff_id the image configuration declares for it
// (rootfs.diff_ids).
// Allowed: layers whose digest equals their diff_id. A layer that was not
// read to its end (over a budget, corrupt) is not judged.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkDiffIDMismatch() check.Check[Layer] {
	return check.Check[Layer]{
		Meta: check.New(
			"FC-IMG-010",
			"Image layer does not match its diff_id",
			finding.SeverityHigh,
			finding.LayerContainer,
			"The image configuration names each layer's uncompressed content by its digest (rootfs.diff_ids), and the image ID is the digest of that configuration. A layer whose content hashes to something else is not the layer the image claims to ship: it was corrupted or tampered with, and a runtime that verifies diff_ids refuses it. The packages and files reported for it are not what the declared digests stand for.",
			"Do not run the image; pull or rebuild it from a trusted source, and check where the archive or registry blob was altered.",
			finding.Reference{Source: "OCI Image Format: Layer DiffID", URL: "https://github.com/opencontainers/image-spec/blob/main/config.md#layer-diffid"},
			finding.Reference{Source: "CWE-345"},
		),
		Eval: func(l Layer) []check.Violation {
			switch {
			case l.ComputedDiffID == "" || l.ComputedDiffID == l.DiffID:
				return nil
			case l.DiffID == "":
				return []check.Violation{{Message: fmt.Sprintf("layer %d has no diff_id in the configuration; its content hashes to %s", l.Index, l.ComputedDiffID)}}
			}
			return []check.Violation{{Message: fmt.Sprintf("layer %d declares diff_id %s but its content hashes to %s", l.Index, l.DiffID, l.ComputedDiffID)}}
		},
	}
}
