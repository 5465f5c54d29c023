// Package coverage compares fourc's cloud checks with the anchor controls
// other scanners ship: the Terraform-facing checks of Trivy (AVD IDs) and
// tfsec, with the CIS benchmark items they map to. It renders the result
// as docs/coverage.md. The anchors are data (anchors.tsv, facts only: IDs,
// service names and short titles); a fourc check is matched to them by
// its references, never by its title.
package coverage

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

//go:embed anchors.tsv
var anchorsTSV string

// Providers lists the cloud providers the coverage page covers, in order.
var Providers = []string{"AWS", "Azure", "GCP"}

// Anchor is one control of the reference scanners.
type Anchor struct {
	Provider string   // AWS, Azure or GCP
	Service  string   // the Trivy service name, e.g. "s3", "gke"
	AVD      string   // Trivy's ID, e.g. "AVD-AWS-0086"
	TFSec    string   // tfsec's long ID, e.g. "aws-s3-block-public-acls"; empty when tfsec has none
	CIS      []string // CIS items, e.g. "CIS AWS 1.4 2.1.3"
	Title    string
	// Severity is the severity Trivy gives the check, upper case.
	Severity string
}

var (
	avdRe   = regexp.MustCompile(`^AVD-(AWS|AZU|GCP)-\d{4}$`)
	tfsecRe = regexp.MustCompile(`^(aws|azure|google)-[a-z0-9-]+$`)
	avdProv = map[string]string{"AWS": "AWS", "AZU": "Azure", "GCP": "GCP"}
)

// Anchors returns the embedded anchor table, in file order (provider,
// service, AVD ID).
func Anchors() ([]Anchor, error) { return parseAnchors(anchorsTSV) }

func parseAnchors(data string) ([]Anchor, error) {
	var out []Anchor
	avds, tfsecs := map[string]bool{}, map[string]bool{}
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("anchors.tsv:%d: want 7 tab-separated columns, have %d", i+1, len(f))
		}
		a := Anchor{Provider: f[0], Service: f[1], AVD: f[2], TFSec: f[3], Title: f[5], Severity: f[6]}
		if f[4] != "" {
			a.CIS = strings.Split(f[4], "; ")
		}
		switch {
		case !avdRe.MatchString(a.AVD):
			return nil, fmt.Errorf("anchors.tsv:%d: malformed AVD ID %q", i+1, a.AVD)
		case avdProv[a.AVD[4:7]] != a.Provider:
			return nil, fmt.Errorf("anchors.tsv:%d: %s does not belong to provider %q", i+1, a.AVD, a.Provider)
		case a.TFSec != "" && !tfsecRe.MatchString(a.TFSec):
			return nil, fmt.Errorf("anchors.tsv:%d: malformed tfsec ID %q", i+1, a.TFSec)
		case !slices.Contains([]string{"CRITICAL", "HIGH", "MEDIUM", "LOW"}, a.Severity):
			return nil, fmt.Errorf("anchors.tsv:%d: severity %q: want CRITICAL, HIGH, MEDIUM or LOW", i+1, a.Severity)
		case a.Service == "" || a.Title == "":
			return nil, fmt.Errorf("anchors.tsv:%d: empty service or title", i+1)
		case avds[a.AVD]:
			return nil, fmt.Errorf("anchors.tsv:%d: duplicate %s", i+1, a.AVD)
		case a.TFSec != "" && tfsecs[a.TFSec]:
			return nil, fmt.Errorf("anchors.tsv:%d: duplicate %s", i+1, a.TFSec)
		}
		avds[a.AVD] = true
		if a.TFSec != "" {
			tfsecs[a.TFSec] = true
		}
		out = append(out, a)
	}
	return out, nil
}
