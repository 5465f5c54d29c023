package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// SARIF constants that consumers (GitHub code scanning in particular) key on.
const (
	// sarifInformationURI is the driver's informationUri.
	sarifInformationURI = "https://github.com/fourc-dev/fourc"
	// sarifFingerprintKey names fourc's fingerprint in partialFingerprints.
	// The suffix is bumped if the fingerprint's inputs ever change.
	sarifFingerprintKey = "fourc/v1"
	// sarifSrcRoot is the uriBaseId of every relative artifact location.
	sarifSrcRoot = "%SRCROOT%"
)

// WriteSARIF writes r as a SARIF 2.1.0 log with one run, ready for GitHub
// code scanning. The driver's rules are the checks in r.Checks, sorted by ID,
// followed by a rule synthesized from the finding for any check a finding
// names that r.Checks lacks. Findings with a file get a physical location
// relative to %SRCROOT%; findings on live objects get a logical location.
// Skipped inputs and notices become tool execution notifications.
func WriteSARIF(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("creating sarif log: %w", err)
	}

	driver := sarif.NewDriver(cmp.Or(r.Tool, "fourc")).WithInformationURI(sarifInformationURI)
	if r.Version != "" {
		driver.WithVersion(r.Version)
	}
	rules, ruleIndex := sarifRules(r)
	driver.Rules = rules

	run := sarif.NewRun(*sarif.NewTool(driver))
	run.Results = make([]*sarif.Result, 0, len(r.Findings)+len(r.Suppressed))
	for _, f := range r.Findings {
		res := sarifResult(f, ruleIndex[sarifRuleID(f)])
		sarifPosture(r, f, res)
		run.AddResult(res)
	}
	for _, sp := range r.Suppressed {
		res := sarifResult(sp.Finding, ruleIndex[sarifRuleID(sp.Finding)])
		res.AddSuppression(sarifSuppression(sp, res))
		run.AddResult(res)
	}
	if props := sarifRunProperties(r); props != nil {
		run.Properties = props
	}
	run.Invocations = []*sarif.Invocation{sarifInvocation(r)}
	log.AddRun(run)

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("encoding sarif report: %w", err)
	}
	return nil
}

// sarifRules returns the driver's rules and each rule's index by check ID.
func sarifRules(r *Report) ([]*sarif.ReportingDescriptor, map[string]int) {
	metas := slices.Clone(r.Checks)
	slices.SortStableFunc(metas, func(a, b check.Meta) int { return cmp.Compare(a.ID, b.ID) })

	index := map[string]int{}
	rules := make([]*sarif.ReportingDescriptor, 0, len(metas))
	add := func(m check.Meta) {
		if _, dup := index[m.ID]; dup {
			return
		}
		index[m.ID] = len(rules)
		rules = append(rules, sarifRule(m))
	}
	for _, m := range metas {
		add(m)
	}

	// Findings whose check is not in the catalogue still need a rule.
	var missing []check.Meta
	seen := map[string]bool{}
	for _, f := range allFindings(r) {
		if f.Vulnerability != nil {
			continue // its rule is the advisory's, below
		}
		if _, ok := index[f.CheckID]; ok || seen[f.CheckID] {
			continue
		}
		seen[f.CheckID] = true
		missing = append(missing, check.New(
			f.CheckID,
			f.Title,
			f.Severity,
			f.Layer,
			"",
			f.Remediation,
			f.References...,
		))
	}
	slices.SortStableFunc(missing, func(a, b check.Meta) int { return cmp.Compare(a.ID, b.ID) })
	for _, m := range missing {
		add(m)
	}
	for _, a := range advisoryRules(r) {
		if _, dup := index[a.id]; dup {
			continue // an advisory named like a check: keep the check's rule
		}
		index[a.id] = len(rules)
		rules = append(rules, a.rule())
	}
	return rules, index
}

// allFindings lists the reported findings followed by the suppressed ones.
func allFindings(r *Report) []finding.Finding {
	out := make([]finding.Finding, 0, len(r.Findings)+len(r.Suppressed))
	out = append(out, r.Findings...)
	for _, sp := range r.Suppressed {
		out = append(out, sp.Finding)
	}
	return out
}

// sarifRuleID is the rule a finding's result names: the advisory's ID for
// a vulnerability (one rule per advisory, so code scanning shows one alert
// per advisory and package rather than one "vulnerable dependency" for
// all), the check's ID otherwise.
func sarifRuleID(f finding.Finding) string {
	if f.Vulnerability != nil && f.Vulnerability.ID != "" {
		return f.Vulnerability.ID
	}
	return f.CheckID
}

// sarifRule describes one check as a SARIF reportingDescriptor.
func sarifRule(m check.Meta) *sarif.ReportingDescriptor {
	rule := sarif.NewRule(m.ID).WithDescription(cmp.Or(m.Title, m.ID))
	if name := ruleName(m.Title); name != "" {
		rule.WithName(name)
	}
	if m.Description != "" {
		rule.WithFullDescription(sarif.NewMultiformatMessageString(m.Description))
	}
	if text, md := ruleHelp(m); text != "" {
		rule.WithTextHelp(text).WithMarkdownHelp(md)
	}
	for _, ref := range m.References {
		if isAbsURL(ref.URL) {
			rule.WithHelpURI(ref.URL)
			break
		}
	}
	rule.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(m.Severity)))
	rule.WithProperties(sarif.Properties{
		"security-severity": securitySeverity(m.Severity),
		"tags":              ruleTags(m),
	})
	return rule
}

// ruleName turns a title into the PascalCase identifier SARIF suggests for
// reportingDescriptor.name: "Container is privileged" → "ContainerIsPrivileged".
func ruleName(title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		rs := []rune(word)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

// ruleHelp renders the description, remediation and references as plain
// text and as Markdown.
func ruleHelp(m check.Meta) (text, md string) {
	var t, b strings.Builder
	if m.Description != "" {
		t.WriteString(m.Description + "\n\n")
		b.WriteString(m.Description + "\n\n")
	}
	if m.Remediation != "" {
		t.WriteString("Remediation: " + m.Remediation + "\n")
		b.WriteString("**Remediation:** " + m.Remediation + "\n")
	}
	if len(m.References) > 0 {
		t.WriteString("\nReferences:\n")
		b.WriteString("\n**References**\n\n")
		for _, ref := range m.References {
			src := cmp.Or(ref.Source, ref.URL)
			if ref.URL != "" && ref.URL != src {
				t.WriteString("- " + src + ": " + ref.URL + "\n")
			} else {
				t.WriteString("- " + src + "\n")
			}
			if isAbsURL(ref.URL) {
				b.WriteString("- [" + mdLinkText(src) + "](" + mdLinkDest(ref.URL) + ")\n")
			} else {
				b.WriteString("- " + mdLinkText(src) + "\n")
			}
		}
	}
	return strings.TrimSuffix(t.String(), "\n"), strings.TrimSuffix(b.String(), "\n")
}

// mdLinkText escapes the characters that end a Markdown link text.
func mdLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

// mdLinkDest escapes the characters that end a Markdown link destination.
func mdLinkDest(s string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(s)
}

func isAbsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && u.Host != ""
}

// cwePattern finds a CWE number in a reference's source.
var cwePattern = regexp.MustCompile(`^CWE-([0-9]+)$`)

// ruleTags are "security" (which makes GitHub file the alert under code
// scanning's security view), the layer's name, and a GitHub CWE tag for each
// CWE reference.
func ruleTags(m check.Meta) []string {
	tags := []string{"security"}
	if m.Layer.Valid() {
		tags = append(tags, strings.ToLower(m.Layer.String()))
	}
	for _, ref := range m.References {
		if sub := cwePattern.FindStringSubmatch(strings.TrimSpace(ref.Source)); sub != nil {
			tags = append(tags, "external/cwe/cwe-"+sub[1])
		}
	}
	return tags
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical, finding.SeverityHigh:
		return "error"
	case finding.SeverityMedium, finding.SeverityUnknown:
		return "warning"
	}
	return "note"
}

// securitySeverity maps a severity to the score GitHub code scanning reads
// from a rule's "security-severity" property: above 9.0 is critical, 7.0 to
// 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return "9.5"
	case finding.SeverityHigh:
		return "8.0"
	case finding.SeverityMedium:
		return "5.5"
	case finding.SeverityLow:
		return "3.0"
	}
	return "0.0"
}

// sarifResult turns one finding into a result of the rule at ruleIndex.
func sarifResult(f finding.Finding, ruleIndex int) *sarif.Result {
	res := sarif.NewRuleResult(sarifRuleID(f)).
		WithRuleIndex(ruleIndex).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(cmp.Or(f.Message, f.Title, f.CheckID)))
	if loc := sarifLocation(f); loc != nil {
		res.AddLocation(loc)
	}
	if f.Fingerprint != "" {
		res.WithPartialFingerPrints(map[string]any{sarifFingerprintKey: f.Fingerprint})
	}
	props := sarif.Properties{}
	if f.Layer.Valid() {
		props["layer"] = f.Layer.String()
	}
	if s := f.Resource.String(); s != "" {
		props["resource"] = s
	}
	if v := f.Vulnerability; v != nil {
		props["check_id"] = f.CheckID
		props["vulnerability"] = v
	}
	if f.Occurrences > 1 {
		props["occurrences"] = f.Occurrences
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

// sarifLocation returns a location with a physical part for a file and a
// logical part for an object, or the resource as a logical location when the
// finding has neither; nil when there is nothing at all.
func sarifLocation(f finding.Finding) *sarif.Location {
	loc := sarif.NewLocation()
	empty := true
	if f.Location.Path != "" {
		pl := sarif.NewPhysicalLocation().WithArtifactLocation(artifactLocation(f.Location.Path))
		if f.Location.StartLine > 0 {
			region := sarif.NewRegion().WithStartLine(f.Location.StartLine)
			if f.Location.EndLine >= f.Location.StartLine {
				region.WithEndLine(f.Location.EndLine)
			}
			pl.WithRegion(region)
		}
		loc.WithPhysicalLocation(pl)
		empty = false
	}
	name := f.Location.Object
	if name == "" && f.Location.Path == "" {
		name = f.Resource.String()
	}
	if name != "" {
		loc.AddLogicalLocations(sarif.NewLogicalLocation().
			WithName(name).
			WithFullyQualifiedName(name).
			WithKind("resource"))
		empty = false
	}
	if empty {
		return nil
	}
	return loc
}

// artifactLocation turns a slash-separated path into a SARIF artifact
// location: relative to %SRCROOT% when the path is relative (the scan root),
// a file URI when it is absolute.
func artifactLocation(p string) *sarif.ArtifactLocation {
	if strings.HasPrefix(p, "/") {
		return sarif.NewSimpleArtifactLocation((&url.URL{Scheme: "file", Path: p}).String())
	}
	p = strings.TrimPrefix(p, "./")
	return sarif.NewSimpleArtifactLocation((&url.URL{Path: p}).String()).WithUriBaseId(sarifSrcRoot)
}

// sarifInvocation records the run as successful (a scan that produced a
// report did not fail) and carries skipped inputs as warnings and notices
// as notes.
func sarifInvocation(r *Report) *sarif.Invocation {
	inv := sarif.NewInvocation().WithExecutionSuccess(true)
	if !r.GeneratedAt.IsZero() {
		inv.WithEndTimeUTC(r.GeneratedAt.UTC())
	}
	for _, s := range r.Skipped {
		inv.AddTToolExecutionNotification(sarif.NewNotification().
			WithLevel("warning").
			WithMessage(sarif.NewTextMessage("skipped " + s.String())))
	}
	for _, n := range r.Notices {
		inv.AddTToolExecutionNotification(sarif.NewNotification().
			WithLevel("note").
			WithMessage(sarif.NewTextMessage(n)))
	}
	return inv
}

// sarifPosture adds what the posture analysis and the baseline know about
// a finding: its priority (and, for GitHub's ordering, a rank) and its
// SARIF baselineState.
func sarifPosture(r *Report, f finding.Finding, res *sarif.Result) {
	if prio, reason := priorityOf(r, f); prio != "" {
		if res.Properties == nil {
			res.Properties = sarif.Properties{}
		}
		res.Properties["priority"] = prio
		res.Properties["priority_reason"] = reason
		p, _ := r.Posture.PriorityOf(f)
		res.WithRank(float32(100 - 25*(p.Level-1)))
	}
	if status := baselineOf(r, f); status != "" {
		res.WithBaselineState(status)
	}
}

// sarifRunProperties carries the environment (platform, Kubernetes
// version, CIS benchmark), the posture scores and the attack paths, which
// SARIF has no place of its own for, in the run's property bag.
func sarifRunProperties(r *Report) sarif.Properties {
	props := sarif.Properties{}
	if e := environment(r); e != nil {
		props["fourc/environment"] = e
	}
	if r.Posture != nil {
		p := postureJSON(r.Posture)
		props["fourc/scores"], props["fourc/attack_paths"] = p.Scores, p.AttackPaths
	}
	if len(props) == 0 {
		return nil
	}
	return props
}
