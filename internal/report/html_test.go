package report

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/posture"
)

// Secret values of the fixtures, assembled so that no scanner reading
// this file finds them whole.
var (
	fixtureAWSKey   = "AKIA" + "Q3EGRJ7KZ5WXTM4P"
	fixtureGHToken  = "ghp_" + "8Fq2LmZx9Rk3TfYc1pLs7NdJ0eGbUo6iKx5W"
	fixturePassword = "Sup3r" + "S3cretPassw0rd"
)

// testFiles is the scanned tree of testReport: the files its findings
// point to, with secrets the snippets must redact and markup they must
// escape.
func testFiles() fstest.MapFS {
	lines := func(ls ...string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(strings.Join(ls, "\n") + "\n")}
	}
	return fstest.MapFS{
		"config/settings.py": lines(
			"# Django settings for shop.", "import os", "", "DEBUG = False", "ALLOWED_HOSTS = [\"shop.example.com\"]", "",
			"DATABASES = {", "    \"default\": {\"ENGINE\": \"django.db.backends.postgresql\"},", "}", "",
			"# TODO: move to the secret store",
			"AWS_ACCESS_KEY_ID = \""+fixtureAWSKey+"\"",
			"AWS_REGION = \"eu-west-1\"", "", "STATIC_URL = \"/static/\""),
		"go.mod": lines("module example.com/shop", "", "go 1.22", "", "require (", "\tgithub.com/google/uuid v1.6.0",
			"\tgolang.org/x/net v0.1.0", ")"),
		"Dockerfile": lines(
			"# <script>alert(1)</script> must print as text",
			"FROM golang:1.22 AS build", "WORKDIR /src",
			"RUN curl -fsSL https://example.com/install.sh | sh",
			"COPY . .", "RUN go build -o /out/shop .", "", "FROM debian:bookworm-slim AS runtime",
			"RUN apt-get update && apt-get install -y ca-certificates", "COPY --from=build /out/shop /usr/local/bin/shop",
			"EXPOSE 8080", "ENV GITHUB_TOKEN="+fixtureGHToken, "WORKDIR /srv", "CMD [\"/usr/local/bin/shop\"]"),
		"deploy/api.yaml": lines(
			"apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: api", "  namespace: shop", "spec:",
			"  template:", "    spec:", "      serviceAccountName: api", "      containers:", "        - name: api",
			"          image: registry.example.com/shop/api:1.4.2", "          env:", "            - name: GITHUB_TOKEN",
			"              value: \""+fixtureGHToken+"\"", "          ports:", "            - containerPort: 8080",
			"          resources: {}", "          securityContext:", "            runAsNonRoot: false",
			"            privileged: true", "            allowPrivilegeEscalation: true"),
		"infra/main.tf": lines(
			"# Log bucket", "", "resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"shop-logs\"", "", "  tags = {",
			"    team = \"platform\"", "  }", "", "}"),
	}
}

// TestHTMLSnippets: a snippet shows the lines around the finding with the
// finding's lines marked; no secret of the tree reaches the page, whether
// a secret rule finds it or only a credential finding's line points at it;
// markup in a file prints as text.
func TestHTMLSnippets(t *testing.T) {
	r := testPostureReport()
	out := string(render(t, "html", Options{}, r))
	for _, s := range []string{fixtureAWSKey, fixtureGHToken, fixturePassword, "<script>alert(1)"} {
		if strings.Contains(out, s) {
			t.Errorf("the page contains %q", s)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the Dockerfile's first line is not on the page, escaped")
	}
	if !strings.Contains(out, `AWS_ACCESS_KEY_ID = &#34;AKIA…sha256:`) {
		t.Errorf("the AWS key is not shown in its redacted form")
	}

	m := htmlModel(r)
	var privileged []snippetLine
	for _, f := range m.Findings {
		if f.CheckID == metaPrivileged.ID {
			privileged = f.Snippet
		}
	}
	want := []snippetLine{
		{N: 18, Text: "          resources: {}"},
		{N: 19, Text: "          securityContext:"},
		{N: 20, Text: "            runAsNonRoot: false"},
		{N: 21, Text: "            privileged: true", Hit: true},
		{N: 22, Text: "            allowPrivilegeEscalation: true", Hit: true},
	}
	if diff := cmp.Diff(want, privileged); diff != "" {
		t.Errorf("snippet of the privileged finding (-want +got):\n%s", diff)
	}
}

// TestHTMLSnippetCredentialLines: a value no secret rule recognises is
// still hidden on a line a credential finding points to, and on the same
// line in the snippet of any other finding, even one listed when the
// credential finding itself is left out of the report.
func TestHTMLSnippetCredentialLines(t *testing.T) {
	files := fstest.MapFS{"k8s/app.yaml": {Data: []byte(strings.Join([]string{
		"spec:", "  containers:", "    - name: app", "      env:", "        - name: DB_PASSWORD",
		"          value: " + fixturePassword, "      securityContext:", "        privileged: true", ""}, "\n"))}}
	cred := check.New("FC-K8S-008", "Credential hard-coded in environment variable", finding.SeverityHigh, finding.LayerCluster,
		"d", "r", finding.Reference{Source: "CWE-798"}).Finding(
		finding.Resource{Kind: "Deployment", Name: "shop/app"}, finding.Location{Path: "k8s/app.yaml", StartLine: 6},
		check.Violation{Message: "env DB_PASSWORD holds a credential"})
	priv := metaPrivileged.Finding(finding.Resource{Kind: "Deployment", Name: "shop/app"},
		finding.Location{Path: "k8s/app.yaml", StartLine: 8}, check.Violation{Message: "privileged"})
	for _, tt := range []struct {
		name string
		r    *Report
	}{
		{"listed", &Report{Findings: []finding.Finding{cred, priv}, Files: files}},
		{"suppressed", &Report{Findings: []finding.Finding{priv}, Suppressed: []Suppressed{{Finding: cred}}, Files: files}},
		{"filtered out", &Report{Findings: []finding.Finding{priv}, Files: files,
			Posture: posture.Analyze(posture.Input{Findings: []finding.Finding{cred, priv}}, posture.Options{})}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := string(render(t, "html", Options{}, tt.r))
			if strings.Contains(out, fixturePassword) || strings.Contains(out, "Sup3") {
				t.Fatalf("the page shows the password")
			}
			if !strings.Contains(out, "value: "+redactedValue) {
				t.Errorf("the credential line is not shown redacted")
			}
		})
	}
}

// TestHTMLSnippetConfinement: a snippet is read through Report.Files only;
// a path leaving the tree, an absolute path, a missing, binary or oversized
// file gives no snippet, and no snippet without a tree.
func TestHTMLSnippetConfinement(t *testing.T) {
	files := fstest.MapFS{
		"ok.txt":  {Data: []byte("a\nb\nc\n")},
		"bin.dat": {Data: []byte("a\x00b\nc\n")},
		"big.txt": {Data: []byte(strings.Repeat("x\n", snippetMaxFileBytes))},
	}
	at := func(path string, line int) finding.Finding {
		return metaRoot.Finding(finding.Resource{Kind: "file", Name: path}, finding.Location{Path: path, StartLine: line}, check.Violation{Message: "m"})
	}
	var opened []string
	spy := openSpy{files, &opened}
	for _, tt := range []struct {
		f    finding.Finding
		fsys fs.FS
		want int
	}{
		{at("ok.txt", 2), spy, 3},
		{at("ok.txt", 9), spy, 0},
		{at("../etc/passwd", 1), spy, 0},
		{at("/etc/passwd", 1), spy, 0},
		{at("a/../ok.txt", 1), spy, 0},
		{at("bin.dat", 1), spy, 0},
		{at("big.txt", 1), spy, 0},
		{at("missing.txt", 1), spy, 0},
		{at("ok.txt", 2), nil, 0},
	} {
		m := htmlModel(&Report{Findings: []finding.Finding{tt.f}, Files: tt.fsys})
		if got := len(m.Findings[0].Snippet); got != tt.want {
			t.Errorf("%s (files %v): %d snippet lines, want %d", tt.f.Location, tt.fsys != nil, got, tt.want)
		}
	}
	for _, p := range opened {
		if !fs.ValidPath(p) || strings.Contains(p, "..") {
			t.Errorf("opened %q", p)
		}
	}
}

// TestHTMLSnippetBudget: the snippets of a report stop at the text budget.
func TestHTMLSnippetBudget(t *testing.T) {
	line := strings.Repeat("y", snippetMaxLineRunes)
	files := fstest.MapFS{"long.txt": {Data: []byte(strings.Repeat(line+"\n", 100))}}
	var fs []finding.Finding
	for i := range 2000 {
		fs = append(fs, metaRoot.Finding(finding.Resource{Kind: "file", Name: "long.txt"},
			finding.Location{Path: "long.txt", StartLine: 1 + i%100}, check.Violation{Message: "m", Discriminator: strings.Repeat("d", i)}))
	}
	m := htmlModel(&Report{Findings: fs, Files: files})
	total, with := 0, 0
	for _, f := range m.Findings {
		for _, l := range f.Snippet {
			total += len(l.Text)
		}
		if f.Snippet != nil {
			with++
		}
	}
	if total > snippetBudgetText+snippetMaxLines*(snippetMaxLineRunes*4+8) || with == len(fs) || with == 0 {
		t.Errorf("%d bytes of snippets for %d of %d findings; budget %d", total, with, len(fs), snippetBudgetText)
	}
}

type openSpy struct {
	fstest.MapFS
	opened *[]string
}

func (s openSpy) Open(name string) (fs.File, error) {
	*s.opened = append(*s.opened, name)
	return s.MapFS.Open(name)
}

// TestHTMLRowsAndPills: a vulnerability's row names the advisory, its
// alias, its summary and the package; other rows the check and the
// resource; an attack-path step shows one pill per check with a count.
func TestHTMLRowsAndPills(t *testing.T) {
	m := htmlModel(testPostureReport())
	var vuln, other *htmlFinding
	for i, f := range m.Findings {
		switch {
		case f.Vuln != nil && f.Ident == "GO-2023-1571":
			vuln = &m.Findings[i]
		case f.CheckID == metaPrivileged.ID:
			other = &m.Findings[i]
		}
	}
	if vuln == nil || other == nil {
		t.Fatal("fixture lacks the vulnerability or the privileged finding")
	}
	if vuln.Aliases != "CVE-2022-41723, GHSA-vvpx-j8f3-3w6h" || vuln.Headline != "Vulnerability GO-2023-1571 in golang.org/x/net" || vuln.Subject != "golang.org/x/net@v0.1.0" {
		t.Errorf("vulnerability row: %q %q %q %q", vuln.Ident, vuln.Aliases, vuln.Headline, vuln.Subject)
	}
	if other.Ident != metaPrivileged.ID || other.Subject != "Deployment/shop/api" {
		t.Errorf("privileged row: %q %q", other.Ident, other.Subject)
	}
	refs := stepRefs([]posture.FindingRef{
		{CheckID: "FC-VULN-001", Severity: finding.SeverityLow, Fingerprint: "a", Message: "one"},
		{CheckID: "FC-K8S-001", Severity: finding.SeverityHigh, Fingerprint: "b", Message: "two"},
		{CheckID: "FC-VULN-001", Severity: finding.SeverityCritical, Fingerprint: "c", Message: "three"},
	}, map[string]string{"a": "f1", "b": "f2", "c": "f3"})
	want := []htmlRef{
		{CheckID: "FC-VULN-001", Severity: "CRITICAL", SevClass: "sev-critical", Anchor: "f1", Message: "one (and 1 more)", Count: 2},
		{CheckID: "FC-K8S-001", Severity: "HIGH", SevClass: "sev-high", Anchor: "f2", Message: "two", Count: 1},
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("pills (-want +got):\n%s", diff)
	}
}

// TestHTMLSnippetPrivateKey: a private key spanning lines is redacted as a
// whole and the lines after it keep their numbers.
func TestHTMLSnippetPrivateKey(t *testing.T) {
	body := []string{
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
		"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
		"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
		"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
	}
	key := "-----BEGIN RSA " + "PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END RSA " + "PRIVATE KEY-----\n"
	files := fstest.MapFS{"deploy/key.yaml": {Data: []byte("kind: Secret\nstringData:\n  tls.key: |\n" + key + "type: Opaque\nmetadata:\n  name: tls\n")}}
	f := metaRoot.Finding(finding.Resource{Kind: "Secret", Name: "tls"}, finding.Location{Path: "deploy/key.yaml", StartLine: 7}, check.Violation{Message: "m"})
	m := htmlModel(&Report{Findings: []finding.Finding{f}, Files: files})
	var got []string
	for _, l := range m.Findings[0].Snippet {
		got = append(got, fmt.Sprintf("%d %s", l.N, l.Text))
		for _, b := range body {
			if strings.Contains(l.Text, b[:16]) {
				t.Errorf("line %d shows the key: %s", l.N, l.Text)
			}
		}
	}
	want := "10 type: Opaque"
	if len(got) == 0 || got[len(got)-1] != want || !slices.Contains(got, "9 -----END RSA "+"PRIVATE KEY-----") {
		t.Errorf("snippet lines:\n%s", strings.Join(got, "\n"))
	}
}
