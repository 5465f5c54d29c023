package ignore

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

// vulnFd is a vulnerability finding of pkg for advisory id with aliases.
func vulnFd(pkg, id string, line int, aliases ...string) finding.Finding {
	f := fd("FC-VULN-001", "go.mod", line, "go-module/"+pkg+"@v1.0.0")
	f.Vulnerability = &finding.Vulnerability{ID: id, Aliases: aliases, Ecosystem: "Go", Package: pkg, InstalledVersion: "v1.0.0"}
	f.Fingerprint = f.ComputeFingerprint(id)
	return f
}

func TestApplyAdvisoryAndPackage(t *testing.T) {
	file, err := Parse(".fourcignore.yaml", []byte(`
ignores:
  - id: cve-2024-45338
    reason: no HTML parsing of untrusted input
    expires: 2027-01-31
  - package: golang.org/x/crypto
    reason: tracked in JIRA-1
  - id: GHSA-*
    package: github.com/gin-*
  - id: GO-2099-0001
`))
	if err != nil {
		t.Fatal(err)
	}
	in := []finding.Finding{
		vulnFd("golang.org/x/net", "GO-2024-3333", 10, "CVE-2024-45338", "GHSA-w32m-9786-jp63"), // by alias, any case
		vulnFd("golang.org/x/net", "GO-2025-0001", 10, "CVE-2025-0001"),                         // kept
		vulnFd("golang.org/x/crypto", "GO-2024-0002", 11),                                       // by package
		vulnFd("github.com/gin-gonic/gin", "GO-2023-0003", 12, "GHSA-aaaa-bbbb-cccc"),           // by glob + package
		vulnFd("github.com/other/gin", "GO-2023-0004", 13, "GHSA-dddd-eeee-ffff"),               // kept: package differs
		fd("FC-DF-004", "Dockerfile", 3, "Dockerfile/x"),                                        // kept: not a vulnerability
	}
	got := Apply(in, file, nil, now)
	var kept, supp []string
	for _, f := range got.Kept {
		kept = append(kept, f.CheckID+" "+advisory(f))
	}
	for _, s := range got.Suppressed {
		supp = append(supp, advisory(s.Finding)+" "+s.By+" "+s.Reason)
	}
	if diff := cmp.Diff([]string{"FC-VULN-001 GO-2025-0001", "FC-VULN-001 GO-2023-0004", "FC-DF-004 "}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	want := []string{
		"GO-2024-3333 ignore file .fourcignore.yaml:3 no HTML parsing of untrusted input",
		"GO-2024-0002 ignore file .fourcignore.yaml:6 tracked in JIRA-1",
		"GO-2023-0003 ignore file .fourcignore.yaml:8 ",
	}
	if diff := cmp.Diff(want, supp); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ignore entry .fourcignore.yaml:10 (GO-2099-0001) matched no finding; remove it if the problem is fixed"}, got.Notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

func TestApplyInlineAdvisory(t *testing.T) {
	fsys := fstest.MapFS{"go.mod": {Data: []byte("module x\n\nrequire (\n" +
		"\tgolang.org/x/net v1.0.0 // fourc:ignore CVE-2024-45338, GO-2025-0009 -- no HTML parsing\n" +
		"\t// fourc:ignore GHSA-aaaa-bbbb-cccc\n" +
		"\tgithub.com/gin-gonic/gin v1.0.0\n" +
		")\n")}}
	in := []finding.Finding{
		vulnFd("golang.org/x/net", "GO-2024-3333", 4, "CVE-2024-45338"),
		vulnFd("golang.org/x/net", "GO-2025-0001", 4, "CVE-2025-0001"),
		vulnFd("github.com/gin-gonic/gin", "GO-2023-0003", 6, "GHSA-aaaa-bbbb-cccc"),
	}
	got := Apply(in, nil, fsys, now)
	var supp []string
	for _, s := range got.Suppressed {
		supp = append(supp, advisory(s.Finding)+"|"+s.By+"|"+s.Reason)
	}
	want := []string{
		"GO-2024-3333|inline comment go.mod:4|no HTML parsing",
		"GO-2023-0003|inline comment go.mod:5|",
	}
	if diff := cmp.Diff(want, supp); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if len(got.Kept) != 1 || got.Kept[0].Vulnerability.ID != "GO-2025-0001" {
		t.Errorf("kept = %v", got.Kept)
	}
}

func advisory(f finding.Finding) string {
	if f.Vulnerability == nil {
		return ""
	}
	return f.Vulnerability.ID
}
