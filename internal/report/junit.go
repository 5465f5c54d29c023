package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// JUnit XML, as CI systems (Jenkins, GitLab, Azure DevOps, GitHub test
// reporters) read it: the common schema of Jenkins' junit-10.xsd.
//
// Layout: one testsuite per layer ("fourc.Code" … "fourc.Cloud"). In each,
// one testcase per check and resource, carrying one failure per finding
// (type = severity, message = severity, location and message, text = the
// full detail). A suppressed finding is its own testcase marked skipped,
// with what suppressed it. Each check of the catalogue (Report.Checks)
// that reported nothing and suppressed nothing is one passing testcase
// named after the check: fourc knows which checks ran, not every resource
// a check passed, so a pass is per check. Skipped inputs are testcases with
// an error in a last suite "fourc.Inputs", whose system-out lists the
// notices. The root carries no skipped count: junit-10.xsd declares none
// there.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string         `xml:"name,attr"`
	Tests     int            `xml:"tests,attr"`
	Failures  int            `xml:"failures,attr"`
	Errors    int            `xml:"errors,attr"`
	Skipped   int            `xml:"skipped,attr"`
	Time      string         `xml:"time,attr"`
	Timestamp string         `xml:"timestamp,attr,omitempty"`
	Props     *junitProps    `xml:"properties,omitempty"`
	Cases     []junitCase    `xml:"testcase"`
	SystemOut *junitCharData `xml:"system-out,omitempty"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitResult  `xml:"skipped,omitempty"`
	Errors    []junitResult `xml:"error,omitempty"`
	Failures  []junitResult `xml:"failure,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

type junitCharData struct {
	Text string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML (see the layout above).
func WriteJUnit(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	doc := junitSuites{Name: cmp.Or(r.Tool, "fourc"), Time: "0"}
	stamp := ""
	if !r.GeneratedAt.IsZero() {
		stamp = r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	}
	layers := finding.Layers()
	for _, f := range allFindings(r) {
		if !f.Layer.Valid() && !slices.Contains(layers, f.Layer) {
			layers = append(layers, f.Layer)
		}
	}
	for _, l := range layers {
		s := junitLayerSuite(r, l)
		s.Timestamp = stamp
		if l == finding.LayerCode {
			s.Props = junitProperties(r)
		}
		doc.Suites = append(doc.Suites, s)
	}
	if len(r.Skipped) > 0 || len(r.Notices) > 0 {
		s := junitSuite{Name: doc.Name + ".Inputs", Time: "0", Timestamp: stamp}
		for _, sk := range r.Skipped {
			s.Cases = append(s.Cases, junitCase{
				Name: cmp.Or(sk.Path, "(unnamed input)"), Classname: doc.Name + ".Inputs." + cmp.Or(sk.Scanner, "scan"), Time: "0",
				Errors: []junitResult{{Message: "skipped: " + sk.Reason, Type: "skipped-input", Text: sk.String()}},
			})
		}
		if len(r.Notices) > 0 {
			s.SystemOut = &junitCharData{Text: strings.Join(r.Notices, "\n")}
		}
		tally(&s)
		doc.Suites = append(doc.Suites, s)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding junit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing junit report: %w", err)
	}
	return nil
}

// junitLayerSuite builds one layer's suite: failing testcases in the
// report's order, then suppressed ones, then passing checks by ID.
func junitLayerSuite(r *Report, l finding.Layer) junitSuite {
	name := cmp.Or(r.Tool, "fourc")
	layerName := "Other"
	if l.Valid() {
		layerName = l.String()
	}
	s := junitSuite{Name: name + "." + layerName, Time: "0"}
	fired := map[string]bool{}
	index := map[string]int{}
	for _, f := range r.Findings {
		if f.Layer != l {
			continue
		}
		fired[f.CheckID] = true
		res := f.Resource.String()
		key := f.CheckID + "\x00" + res
		i, ok := index[key]
		if !ok {
			i = len(s.Cases)
			index[key] = i
			s.Cases = append(s.Cases, junitCase{
				Name:      junitCaseName(f.CheckID, cmp.Or(res, f.Title)),
				Classname: name + "." + layerName + "." + f.CheckID,
				Time:      "0",
			})
		}
		s.Cases[i].Failures = append(s.Cases[i].Failures, junitFailure(r, f))
	}
	for _, sp := range r.Suppressed {
		f := sp.Finding
		if f.Layer != l {
			continue
		}
		fired[f.CheckID] = true
		msg := "suppressed by " + cmp.Or(sp.By, "unknown")
		if sp.Reason != "" {
			msg += ": " + sp.Reason
		}
		s.Cases = append(s.Cases, junitCase{
			Name:      junitCaseName(f.CheckID, cmp.Or(f.Resource.String(), f.Title)) + " (suppressed)",
			Classname: name + "." + layerName + "." + f.CheckID,
			Time:      "0",
			Skipped:   &junitResult{Message: msg},
		})
	}
	metas := slices.Clone(r.Checks)
	slices.SortStableFunc(metas, func(a, b check.Meta) int { return cmp.Compare(a.ID, b.ID) })
	for _, m := range metas {
		if m.Layer != l || fired[m.ID] {
			continue
		}
		fired[m.ID] = true // a catalogue listing a check twice passes it once
		s.Cases = append(s.Cases, junitCase{
			Name:      junitCaseName(m.ID, m.Title),
			Classname: name + "." + layerName + "." + m.ID,
			Time:      "0",
		})
	}
	tally(&s)
	return s
}

// junitCaseName is "CHECK-ID resource".
func junitCaseName(id, what string) string {
	return cmp.Or(strings.TrimSpace(id+" "+what), "unnamed check")
}

// junitFailure describes one finding: type is its severity, message its
// severity, location and message, text everything a reader needs.
func junitFailure(r *Report, f finding.Finding) junitResult {
	loc := cmp.Or(f.Location.String(), f.Resource.String())
	msg := f.Severity.String()
	if loc != "" {
		msg += " " + loc
	}
	msg += ": " + cmp.Or(f.Message, f.Title, f.CheckID)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", f.Severity, f.CheckID, f.Title)
	if res := f.Resource.String(); res != "" {
		b.WriteString("resource: " + res + "\n")
	}
	if loc := f.Location.String(); loc != "" {
		b.WriteString("location: " + loc + "\n")
	}
	if f.Message != "" {
		b.WriteString("message: " + f.Message + "\n")
	}
	if v := f.Vulnerability; v != nil {
		b.WriteString("advisory: " + strings.Join(v.IDs(), ", ") + "\n")
		if v.SeverityReason != "" {
			b.WriteString("severity: " + v.SeverityReason + "\n")
		}
	}
	if prio, reason := priorityOf(r, f); prio != "" {
		b.WriteString("priority: " + prio + " (" + reason + ")\n")
	}
	if f.Remediation != "" {
		b.WriteString("fix: " + f.Remediation + "\n")
	}
	for _, ref := range f.References {
		b.WriteString("reference: " + strings.TrimSpace(ref.Source+" "+ref.URL) + "\n")
	}
	if f.Fingerprint != "" {
		b.WriteString("fingerprint: " + f.Fingerprint + "\n")
	}
	return junitResult{Message: msg, Type: f.Severity.String(), Text: b.String()}
}

// junitProperties records the producer, the target and the environment on
// the first suite.
func junitProperties(r *Report) *junitProps {
	var ps []junitProp
	add := func(k, v string) {
		if v != "" {
			ps = append(ps, junitProp{Name: k, Value: v})
		}
	}
	add("tool", r.Tool)
	add("version", r.Version)
	add("target", r.Target)
	if e := environment(r); e != nil {
		add("platform", e.Platform)
		add("platform_evidence", e.PlatformEvidence)
		add("kubernetes_version", e.KubernetesVersion)
		add("benchmark", e.Benchmark)
	}
	if len(ps) == 0 {
		return nil
	}
	return &junitProps{Props: ps}
}

// tally counts a suite's tests, failures, errors and skipped.
func tally(s *junitSuite) {
	s.Tests = len(s.Cases)
	s.Failures, s.Errors, s.Skipped = 0, 0, 0
	for _, c := range s.Cases {
		switch {
		case c.Skipped != nil:
			s.Skipped++
		case len(c.Errors) > 0:
			s.Errors++
		case len(c.Failures) > 0:
			s.Failures++
		}
	}
}
