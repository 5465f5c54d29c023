package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FuzzWriters feeds arbitrary text from scanned inputs (messages, paths,
// object references, resource names, skip reasons) through every writer and
// checks the properties each format promises: the table shows no raw escape
// or line break, JSON and SARIF stay valid against their schemas, and a
// Markdown findings row stays one row of six cells.
func FuzzWriters(f *testing.F) {
	f.Add("container \"api\" must not set privileged", "deploy/api.yaml", "", "shop/api", "bad yaml", 3)
	f.Add("a|b\nc\r\n<d>`e`@f", "dir with space/a#b?.tf", "namespaces/x/pods/y", "n|m", "\x1b[31m", 0)
	f.Add("\xff\xfe", "c:colon", "sha256:abc", "", "", 1)
	f.Add("", "/etc/kubernetes/admin.conf", "", "", "", -4)
	f.Add("%zz", "a/%2/b", "obj", "name", "r", 1)

	jsonSch := compileReportSchema(f, false)
	sarifSch := compileSARIFSchema(f)

	f.Fuzz(func(t *testing.T, message, path, object, name, reason string, line int) {
		m := check.New(
			"FC-FZ-001",
			"Fuzz",
			finding.SeverityHigh,
			finding.LayerCluster,
			"",
			reason,
		)
		loc := finding.Location{Path: path, Object: object}
		if line > 0 {
			loc.StartLine, loc.EndLine = line, line+2
		}
		fd := m.Finding(finding.Resource{Kind: "Deployment", Name: name}, loc, check.Violation{Message: message})
		other := fd
		other.CheckID = "FC-FZ-" + name // not in the catalogue: synthesized rule
		r := &Report{
			Tool: "fourc", Target: path,
			Findings:   []finding.Finding{fd, other},
			Suppressed: []Suppressed{{Finding: fd, By: name, Reason: reason}},
			Skipped:    []finding.Skipped{{Path: path, Scanner: name, Reason: reason}},
			Notices:    []string{message},
			Checks:     []check.Meta{m},
		}

		var tbl bytes.Buffer
		if err := (&Table{}).Write(&tbl, r); err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(tbl.Bytes(), 0x1b) >= 0 {
			t.Errorf("table contains ESC")
		}
		for _, l := range strings.Split(tbl.String(), "\n") {
			if strings.ContainsAny(l, "\r\x00\x07\x08") {
				t.Errorf("table line contains a control character: %q", l)
			}
		}

		var js bytes.Buffer
		if err := WriteJSON(&js, r); err != nil {
			t.Fatal(err)
		}
		if err := jsonSch.Validate(decodeJSON(t, js.Bytes())); err != nil {
			t.Errorf("json invalid: %v", err)
		}

		var sf bytes.Buffer
		if err := WriteSARIF(&sf, r); err != nil {
			t.Fatal(err)
		}
		if err := sarifSch.Validate(decodeJSON(t, sf.Bytes())); err != nil {
			t.Errorf("sarif invalid: %v", err)
		}

		var md bytes.Buffer
		if err := WriteMarkdown(&md, r); err != nil {
			t.Fatal(err)
		}
		rows := findingRows(md.String())
		if len(rows) != 2 {
			t.Fatalf("markdown has %d finding rows, want 2:\n%s", len(rows), md.String())
		}
		for _, row := range rows {
			if got := unescapedPipes(row); got != 7 {
				t.Errorf("markdown row has %d cell delimiters, want 7: %q", got, row)
			}
		}
	})
}
