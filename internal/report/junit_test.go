package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/finding"
)

// The structs below mirror Jenkins' junit-10.xsd (testdata/junit-10.xsd):
// every attribute the schema declares, so that a strict decode finds any
// element or attribute the writer adds beyond it.
type xsdSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     *string    `xml:"name,attr"`
	Time     *string    `xml:"time,attr"`
	Tests    *string    `xml:"tests,attr"`
	Failures *string    `xml:"failures,attr"`
	Errors   *string    `xml:"errors,attr"`
	Suites   []xsdSuite `xml:"testsuite"`
	Attrs    []xml.Attr `xml:",any,attr"`
	Extra    []xsdAny   `xml:",any"`
}

type xsdSuite struct {
	Name      *string `xml:"name,attr"`
	Tests     *string `xml:"tests,attr"`
	Failures  *string `xml:"failures,attr"`
	Errors    *string `xml:"errors,attr"`
	Group     *string `xml:"group,attr"`
	Time      *string `xml:"time,attr"`
	Skipped   *string `xml:"skipped,attr"`
	Timestamp *string `xml:"timestamp,attr"`
	Hostname  *string `xml:"hostname,attr"`
	ID        *string `xml:"id,attr"`
	Package   *string `xml:"package,attr"`
	File      *string `xml:"file,attr"`
	Log       *string `xml:"log,attr"`
	URL       *string `xml:"url,attr"`
	Props     []struct {
		Props []struct {
			Name  *string `xml:"name,attr"`
			Value *string `xml:"value,attr"`
		} `xml:"property"`
	} `xml:"properties"`
	Cases     []xsdCase  `xml:"testcase"`
	SystemOut []string   `xml:"system-out"`
	SystemErr []string   `xml:"system-err"`
	Attrs     []xml.Attr `xml:",any,attr"`
	Extra     []xsdAny   `xml:",any"`
}

type xsdCase struct {
	Name      *string     `xml:"name,attr"`
	Time      *string     `xml:"time,attr"`
	Classname *string     `xml:"classname,attr"`
	Group     *string     `xml:"group,attr"`
	Skipped   []xsdResult `xml:"skipped"`
	Errors    []xsdResult `xml:"error"`
	Failures  []xsdResult `xml:"failure"`
	SystemOut []string    `xml:"system-out"`
	SystemErr []string    `xml:"system-err"`
	Attrs     []xml.Attr  `xml:",any,attr"`
	Extra     []xsdAny    `xml:",any"`
}

type xsdResult struct {
	Type    *string    `xml:"type,attr"`
	Message *string    `xml:"message,attr"`
	Text    string     `xml:",chardata"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Extra   []xsdAny   `xml:",any"`
}

type xsdAny struct {
	XMLName xml.Name
}

// parseJUnit decodes out against the mirror of junit-10.xsd and reports
// every departure from the schema: an undeclared element or attribute, a
// missing required attribute, a time that is not SUREFIRE_TIME, counts that
// do not match the testcases.
func parseJUnit(t *testing.T, out []byte) xsdSuites {
	t.Helper()
	var doc xsdSuites
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = true
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("junit output is not XML: %v", err)
	}
	if len(doc.Attrs) > 0 || len(doc.Extra) > 0 {
		t.Errorf("testsuites: undeclared %v %v", doc.Attrs, doc.Extra)
	}
	for _, s := range doc.Suites {
		if s.Name == nil || s.Tests == nil || s.Failures == nil || s.Errors == nil {
			t.Errorf("testsuite %v lacks a required attribute (name, tests, failures, errors)", deref(s.Name))
			continue
		}
		if len(s.Attrs) > 0 || len(s.Extra) > 0 {
			t.Errorf("testsuite %s: undeclared %v %v", *s.Name, s.Attrs, s.Extra)
		}
		if s.Time != nil && !surefireTime(*s.Time) {
			t.Errorf("testsuite %s: time %q", *s.Name, *s.Time)
		}
		var fails, errs, skips int
		for _, c := range s.Cases {
			if c.Name == nil || *c.Name == "" {
				t.Errorf("testsuite %s: testcase without a name", *s.Name)
			}
			if len(c.Attrs) > 0 || len(c.Extra) > 0 {
				t.Errorf("testcase %s: undeclared %v %v", deref(c.Name), c.Attrs, c.Extra)
			}
			for _, r := range append(append(c.Failures, c.Errors...), c.Skipped...) {
				if len(r.Attrs) > 0 || len(r.Extra) > 0 {
					t.Errorf("testcase %s: undeclared %v %v", deref(c.Name), r.Attrs, r.Extra)
				}
			}
			switch {
			case len(c.Skipped) > 0:
				skips++
			case len(c.Errors) > 0:
				errs++
			case len(c.Failures) > 0:
				fails++
			}
		}
		for attr, want := range map[*string]int{s.Tests: len(s.Cases), s.Failures: fails, s.Errors: errs, s.Skipped: skips} {
			if attr != nil && *attr != strconv.Itoa(want) {
				t.Errorf("testsuite %s: count %s, want %d", *s.Name, *attr, want)
			}
		}
	}
	return doc
}

// surefireTime matches junit-10.xsd's SUREFIRE_TIME pattern.
func surefireTime(s string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return err == nil && !strings.ContainsAny(s, "eE+-")
}

func TestJUnitGolden(t *testing.T) {
	for name, r := range map[string]*Report{"report.junit.xml": testReport(), "posture.junit.xml": testPostureReport()} {
		t.Run(name, func(t *testing.T) {
			got := render(t, "junit", Options{}, r)
			checkGolden(t, name, got)
			if again := render(t, "junit", Options{}, r); string(again) != string(got) {
				t.Error("junit output is not deterministic")
			}
		})
	}
}

// TestJUnitSchema validates the output with xmllint against
// testdata/junit-10.xsd (scripts/setup.sh installs libxml2-utils; under
// CI=true a missing xmllint fails the test), and always against the Go
// mirror of the XSD.
func TestJUnitSchema(t *testing.T) {
	reports := map[string]*Report{
		"representative": testReport(),
		"posture":        testPostureReport(),
		"empty":          {},
		"control chars":  {Findings: []finding.Finding{{CheckID: "FC-X-001", Title: "t", Layer: finding.LayerCode, Message: "a\x00b\x1b<&>\"]]>"}}},
	}
	xmllint, lookErr := exec.LookPath("xmllint")
	for name, r := range reports {
		out := render(t, "junit", Options{}, r)
		parseJUnit(t, out)
		if lookErr != nil {
			continue
		}
		file := filepath.Join(t.TempDir(), "junit.xml")
		if err := os.WriteFile(file, out, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: xmllint: %v\n%s", name, err, b)
		}
	}
	if lookErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing (run scripts/setup.sh to install libxml2-utils)")
		}
		t.Skip("xmllint is missing; validated against the Go mirror of the XSD only")
	}
}

// TestJUnitSchemaRejects: xmllint with the XSD does reject a broken
// document, so passing it means something.
func TestJUnitSchemaRejects(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing (run scripts/setup.sh to install libxml2-utils)")
		}
		t.Skip("xmllint is missing")
	}
	out := string(render(t, "junit", Options{}, testReport()))
	for name, bad := range map[string]string{
		"no tests count":        strings.Replace(out, `<testsuite name="fourc.Code" tests=`, `<testsuite name="fourc.Code" x=`, 1),
		"skipped on testsuites": strings.Replace(out, `<testsuites name="fourc"`, `<testsuites name="fourc" skipped="1"`, 1),
	} {
		if bad == out {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		file := filepath.Join(t.TempDir(), "junit.xml")
		if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).Run(); err == nil {
			t.Errorf("%s: validates, want an error", name)
		}
	}
}

// TestJUnitContent: one suite per layer, one testcase per check and
// resource with a failure per finding, suppressed findings skipped, the
// catalogue's silent checks passing, skipped inputs as errors.
func TestJUnitContent(t *testing.T) {
	r := testReport()
	doc := parseJUnit(t, render(t, "junit", Options{}, r))
	var names []string
	cases := map[string]xsdCase{}
	failures := 0
	for _, s := range doc.Suites {
		names = append(names, *s.Name)
		for _, c := range s.Cases {
			cases[*c.Name] = c
			failures += len(c.Failures)
		}
	}
	if got := strings.Join(names, " "); got != "fourc.Code fourc.Container fourc.Cluster fourc.Cloud fourc.Inputs" {
		t.Errorf("suites = %s", got)
	}
	if failures != len(r.Findings) {
		t.Errorf("%d failures for %d findings", failures, len(r.Findings))
	}
	vulns := cases["FC-VULN-001 go-module/golang.org/x/net@v0.1.0"]
	if len(vulns.Failures) != 3 {
		t.Errorf("vulnerable module: %d failures, want one per advisory (3)", len(vulns.Failures))
	}
	priv := cases["FC-K8S-001 Deployment/shop/api"]
	if len(priv.Failures) != 1 || deref(priv.Failures[0].Type) != "CRITICAL" ||
		deref(priv.Failures[0].Message) != `CRITICAL deploy/api.yaml:21: container "api" must not set securityContext.privileged=true` {
		t.Errorf("privileged: %+v", priv.Failures)
	}
	if c, ok := cases["FC-SEC-001 file/tests/fixtures/aws.txt (suppressed)"]; !ok || len(c.Skipped) != 1 ||
		!strings.Contains(deref(c.Skipped[0].Message), "test fixture, not a real key") {
		t.Errorf("suppressed secret: %+v", c)
	}
	if c, ok := cases["FC-K8S-030 Service account token is mounted"]; !ok || len(c.Failures)+len(c.Skipped)+len(c.Errors) != 0 {
		t.Errorf("silent check FC-K8S-030 is not a passing testcase: %+v", c)
	}
	if c, ok := cases["charts/broken/values.yaml"]; !ok || len(c.Errors) != 1 {
		t.Errorf("skipped input: %+v", c)
	}
	if doc.Tests == nil || *doc.Tests != strconv.Itoa(len(cases)) {
		t.Errorf("testsuites tests = %v, want %d", deref(doc.Tests), len(cases))
	}
}
