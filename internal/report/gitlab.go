package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// GitLab security report constants. fourc writes one SAST report
// (gl-sast-report.json) holding every finding, vulnerabilities included:
// GitLab's dependency-scanning schema requires the scanned lock files'
// dependency lists, which a report does not carry.
const (
	gitlabSchemaVersion = "15.2.1"
	gitlabSchemaURL     = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" + gitlabSchemaVersion + "/dist/sast-report-format.json"
	// gitlabTime is the schema's ISO 8601 UTC layout without zone.
	gitlabTime = "2006-01-02T15:04:05"
	// Limits the schema sets on a vulnerability's text fields.
	gitlabMaxName     = 255
	gitlabMaxSolution = 7000
)

type gitlabReport struct {
	Schema          string       `json:"schema"`
	Version         string       `json:"version"`
	Scan            gitlabScan   `json:"scan"`
	Vulnerabilities []gitlabVuln `json:"vulnerabilities"`
}

type gitlabScan struct {
	Analyzer  gitlabTool      `json:"analyzer"`
	Scanner   gitlabTool      `json:"scanner"`
	Type      string          `json:"type"`
	StartTime string          `json:"start_time"`
	EndTime   string          `json:"end_time"`
	Status    string          `json:"status"`
	Messages  []gitlabMessage `json:"messages,omitempty"`
}

type gitlabTool struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	URL     string       `json:"url"`
	Version string       `json:"version"`
	Vendor  gitlabVendor `json:"vendor"`
}

type gitlabVendor struct {
	Name string `json:"name"`
}

type gitlabMessage struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type gitlabVuln struct {
	ID          string                  `json:"id"`
	Name        string                  `json:"name"`
	Description string                  `json:"description"`
	Severity    string                  `json:"severity"`
	Solution    string                  `json:"solution,omitempty"`
	Identifiers []gitlabIdentifier      `json:"identifiers"`
	CVSSVectors []gitlabCVSS            `json:"cvss_vectors,omitempty"`
	Links       []gitlabLink            `json:"links,omitempty"`
	Location    gitlabLocation          `json:"location"`
	Details     map[string]gitlabDetail `json:"details,omitempty"`
}

type gitlabIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type gitlabCVSS struct {
	Vendor string `json:"vendor"`
	Vector string `json:"vector"`
}

type gitlabLink struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

type gitlabLocation struct {
	File      string `json:"file,omitempty"`
	StartLine int    `json:"start_line,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
}

// gitlabDetail is a "text" entry of the schema's named-list details.
type gitlabDetail struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// WriteGitLab writes r as a GitLab SAST security report (schema 15.2.1),
// one vulnerability per reported finding. Suppressed findings are left out
// (GitLab has no suppressed state; dismiss them in GitLab or keep them in
// the ignore file). Skipped inputs become "warn" scan messages; the
// environment and notices "info" ones. Findings on live objects, which have no file, name the
// object (or the resource) as their location's file.
func WriteGitLab(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	at := "1970-01-01T00:00:00"
	if !r.GeneratedAt.IsZero() {
		at = r.GeneratedAt.UTC().Format(gitlabTime)
	}
	tool := gitlabTool{
		ID:      "fourc",
		Name:    cmp.Or(r.Tool, "fourc"),
		URL:     sarifInformationURI,
		Version: cmp.Or(r.Version, "unknown"),
		Vendor:  gitlabVendor{Name: "fourc"},
	}
	doc := gitlabReport{
		Schema:  gitlabSchemaURL,
		Version: gitlabSchemaVersion,
		Scan: gitlabScan{
			Analyzer: tool, Scanner: tool, Type: "sast",
			StartTime: at, EndTime: at, Status: "success",
		},
		Vulnerabilities: make([]gitlabVuln, 0, len(r.Findings)),
	}
	if e := environment(r); e != nil {
		doc.Scan.Messages = append(doc.Scan.Messages, gitlabMessage{Level: "info", Value: "environment: " + e.String()})
	}
	for _, s := range r.Skipped {
		doc.Scan.Messages = append(doc.Scan.Messages, gitlabMessage{Level: "warn", Value: "skipped " + s.String()})
	}
	for _, n := range r.Notices {
		if n != "" {
			doc.Scan.Messages = append(doc.Scan.Messages, gitlabMessage{Level: "info", Value: n})
		}
	}
	for _, f := range r.Findings {
		doc.Vulnerabilities = append(doc.Vulnerabilities, gitlabVulnerability(r, f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding gitlab report: %w", err)
	}
	return nil
}

// gitlabVulnerability describes one finding. Its name is the check's title
// (or the advisory's ID and summary), never the finding's own details,
// which go in the description.
func gitlabVulnerability(r *Report, f finding.Finding) gitlabVuln {
	v := gitlabVuln{
		ID:          gitlabID(f),
		Name:        truncateRunes(cmp.Or(f.Title, f.CheckID, "finding"), gitlabMaxName),
		Severity:    gitlabSeverity(f.Severity),
		Solution:    truncateRunes(f.Remediation, gitlabMaxSolution),
		Identifiers: gitlabIdentifiers(f),
		Location:    gitlabLoc(f),
		Details:     map[string]gitlabDetail{},
	}
	var desc strings.Builder
	desc.WriteString(cmp.Or(f.Message, f.Title, f.CheckID))
	if f.Layer.Valid() {
		v.Details["layer"] = gitlabDetail{Name: "Layer", Type: "text", Value: f.Layer.String()}
	}
	if res := f.Resource.String(); res != "" {
		v.Details["resource"] = gitlabDetail{Name: "Resource", Type: "text", Value: res}
		desc.WriteString("\n\nResource: " + res)
	}
	if f.Location.Object != "" {
		v.Details["object"] = gitlabDetail{Name: "Object", Type: "text", Value: f.Location.Object}
	}
	if prio, reason := priorityOf(r, f); prio != "" {
		v.Details["priority"] = gitlabDetail{Name: "Priority", Type: "text", Value: prio + ": " + reason}
	}
	if vu := f.Vulnerability; vu != nil {
		if vu.ID != "" {
			name := vu.ID
			if s := strings.TrimSpace(vu.Summary); s != "" {
				name += ": " + s
			}
			v.Name = truncateRunes(name, gitlabMaxName)
		}
		fmt.Fprintf(&desc, "\n\nPackage: %s %s (%s)", vu.Package, vu.InstalledVersion, vu.Ecosystem)
		if len(vu.FixedVersions) > 0 {
			desc.WriteString("; fixed in " + strings.Join(vu.FixedVersions, ", "))
		}
		if vu.SeverityReason != "" {
			desc.WriteString("\n\nSeverity: " + vu.SeverityReason)
		}
		if vu.Reachability.Level != "" {
			v.Details["reachability"] = gitlabDetail{Name: "Reachability", Type: "text", Value: vu.Reachability.Level}
		}
		if c := vu.CVSS; c != nil && cvss3Vector.MatchString(c.Vector) && len(c.Vector) >= 32 && len(c.Vector) <= 128 {
			v.CVSSVectors = []gitlabCVSS{{Vendor: "unknown", Vector: c.Vector}}
		}
		if vu.ID != "" {
			v.Links = append(v.Links, gitlabLink{Name: vu.ID, URL: "https://osv.dev/vulnerability/" + vu.ID})
		}
	}
	for _, ref := range f.References {
		if isAbsURL(ref.URL) && (strings.HasPrefix(ref.URL, "https://") || strings.HasPrefix(ref.URL, "http://")) {
			v.Links = append(v.Links, gitlabLink{Name: ref.Source, URL: ref.URL})
		}
	}
	v.Description = desc.String()
	if len(v.Details) == 0 {
		v.Details = nil
	}
	return v
}

// cvss3Vector matches a CVSS 3.0 or 3.1 vector (base, temporal and
// environmental metrics of the specification); GitLab accepts no other
// kind in cvss_vectors (CVSS 2 aside, which fourc does not carry).
var cvss3Vector = regexp.MustCompile(`^CVSS:3\.[01](/(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH]))+$`)

// gitlabSeverity maps a severity to GitLab's names.
func gitlabSeverity(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return "Critical"
	case finding.SeverityHigh:
		return "High"
	case finding.SeverityMedium:
		return "Medium"
	case finding.SeverityLow:
		return "Low"
	case finding.SeverityInfo:
		return "Info"
	}
	return "Unknown"
}

// gitlabIdentifiers lists the finding's identifiers, primary first: the
// advisory's ID for a vulnerability (GitLab groups findings by it), then
// its aliases; the check's ID (primary for every other finding); then each
// CWE the check cites.
func gitlabIdentifiers(f finding.Finding) []gitlabIdentifier {
	var ids []gitlabIdentifier
	if vu := f.Vulnerability; vu != nil {
		for _, id := range vu.IDs() {
			if id != "" {
				ids = append(ids, advisoryIdentifier(id))
			}
		}
	}
	checkID := cmp.Or(f.CheckID, "unknown")
	ids = append(ids, gitlabIdentifier{
		Type: "fourc", Name: "fourc " + checkID, Value: checkID,
		URL: sarifInformationURI + "/blob/main/docs/checks.md",
	})
	for _, ref := range f.References {
		if sub := cwePattern.FindStringSubmatch(strings.TrimSpace(ref.Source)); sub != nil {
			ids = append(ids, gitlabIdentifier{
				Type: "cwe", Name: "CWE-" + sub[1], Value: sub[1],
				URL: "https://cwe.mitre.org/data/definitions/" + sub[1] + ".html",
			})
		}
	}
	return ids
}

// advisoryIdentifier names an advisory ID by its database.
func advisoryIdentifier(id string) gitlabIdentifier {
	upper := strings.ToUpper(id)
	switch {
	case strings.HasPrefix(upper, "CVE-"):
		return gitlabIdentifier{Type: "cve", Name: id, Value: id, URL: "https://www.cve.org/CVERecord?id=" + id}
	case strings.HasPrefix(upper, "GHSA-"):
		return gitlabIdentifier{Type: "ghsa", Name: id, Value: id, URL: "https://github.com/advisories/" + id}
	case strings.HasPrefix(upper, "GO-"):
		return gitlabIdentifier{Type: "go", Name: id, Value: id, URL: "https://pkg.go.dev/vuln/" + id}
	}
	return gitlabIdentifier{Type: "osv", Name: id, Value: id, URL: "https://osv.dev/vulnerability/" + id}
}

// gitlabLoc is the file and lines, or the object (else the resource) in
// place of a file for findings on live objects.
func gitlabLoc(f finding.Finding) gitlabLocation {
	loc := gitlabLocation{File: strings.TrimPrefix(f.Location.Path, "./")}
	if loc.File == "" {
		return gitlabLocation{File: cmp.Or(f.Location.Object, f.Resource.String())}
	}
	if f.Location.StartLine > 0 {
		loc.StartLine = f.Location.StartLine
		if f.Location.EndLine >= f.Location.StartLine {
			loc.EndLine = f.Location.EndLine
		}
	}
	return loc
}

// gitlabID is a stable UUID (version 5 layout) for a finding, from its
// fingerprint, check, advisory and location, so that GitLab tracks the same
// finding across pipelines.
func gitlabID(f finding.Finding) string {
	adv := ""
	if f.Vulnerability != nil {
		adv = f.Vulnerability.ID
	}
	h := sha256.Sum256([]byte(strings.Join([]string{
		"gitlab", f.Fingerprint, f.CheckID, adv, f.Resource.String(),
		f.Location.String(), fmt.Sprint(f.Location.EndLine), f.Message,
	}, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
