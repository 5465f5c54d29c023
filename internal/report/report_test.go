package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Checks of the representative report. FC-K8S-030 fires on nothing (its rule
// must still be in SARIF); FC-VULN-001 is deliberately absent (its rule must
// be synthesized from the finding).
var (
	metaSecret = check.New(
		"FC-SEC-001",
		"Hard-coded AWS access key",
		finding.SeverityCritical,
		finding.LayerCode,
		"An AWS access key in source control can be used by anyone who can read the repository.",
		"Remove the key from the source, rotate it, and load credentials from the environment or a secret store.",
		finding.Reference{Source: "CWE-798", URL: "https://cwe.mitre.org/data/definitions/798.html"},
	)
	metaVuln = check.New(
		"FC-VULN-001",
		"Package has a known vulnerability",
		finding.SeverityHigh,
		finding.LayerCode,
		"",
		"Upgrade the package to a fixed version.",
	)
	metaRoot = check.New(
		"FC-DF-001",
		"Image runs as root",
		finding.SeverityHigh,
		finding.LayerContainer,
		"A container whose process runs as root gives an attacker who breaks out of the application full control of the container.",
		"Add a USER instruction with a non-root user to the final stage.",
		finding.Reference{Source: "CIS Docker 4.1"},
		finding.Reference{Source: "CWE-250", URL: "https://cwe.mitre.org/data/definitions/250.html"},
	)
	metaCurlSh = check.New(
		"FC-DF-003",
		"Download piped to a shell",
		finding.SeverityMedium,
		finding.LayerContainer,
		"Piping a download into a shell runs unreviewed code at build time.",
		"Download the file, verify its checksum, then run it.",
		finding.Reference{Source: "CWE-494", URL: "https://cwe.mitre.org/data/definitions/494.html"},
	)
	metaPrivileged = check.New(
		"FC-K8S-001",
		"Container is privileged",
		finding.SeverityCritical,
		finding.LayerCluster,
		"A privileged container has every capability of the host and can take over the node.",
		"Remove securityContext.privileged or set it to false.",
		finding.Reference{Source: "PSS baseline", URL: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
		finding.Reference{Source: "CIS Kubernetes 5.2.2"},
	)
	metaSecretsRBAC = check.New(
		"FC-K8S-010",
		"Service account can read secrets",
		finding.SeverityHigh,
		finding.LayerCluster,
		"A workload whose service account can read secrets can steal every credential in its namespace.",
		"Remove get, list and watch on secrets from the roles bound to the service account.",
		finding.Reference{Source: "CIS Kubernetes 5.1.2"},
	)
	metaNetpol = check.New(
		"FC-K8S-020",
		"No NetworkPolicy selects the workload",
		finding.SeverityMedium,
		finding.LayerCluster,
		"Without a NetworkPolicy every pod in the cluster can reach the workload.",
		"Add a NetworkPolicy that selects the workload's pods and allows only the traffic it needs.",
		finding.Reference{Source: "NSA/CISA Kubernetes Hardening"},
	)
	metaAutomount = check.New(
		"FC-K8S-030",
		"Service account token is mounted",
		finding.SeverityLow,
		finding.LayerCluster,
		"A mounted token lets a compromised pod call the API server.",
		"Set automountServiceAccountToken: false unless the pod calls the API server.",
	)
	metaS3Encryption = check.New(
		"FC-AWS-001",
		"S3 bucket is not encrypted",
		finding.SeverityHigh,
		finding.LayerCloud,
		"Objects in an unencrypted bucket are readable from the underlying storage.",
		"Configure server-side encryption with aws_s3_bucket_server_side_encryption_configuration.",
		finding.Reference{Source: "CIS AWS 2.1.1"},
	)
	metaS3Logging = check.New(
		"FC-AWS-002",
		"S3 bucket has no access logging",
		finding.SeverityLow,
		finding.LayerCloud,
		"Without access logs, reads of the bucket's objects leave no trace.",
		"Enable server access logging with an aws_s3_bucket_logging resource.",
	)
)

// testReport is the representative report every golden file is built from:
// findings in all four layers, some located by file and line, some by object
// only, one finding whose check is not in the catalogue, one suppressed
// finding, one skipped input and one notice.
func testReport() *Report {
	fs := []finding.Finding{
		metaSecret.Finding(
			finding.Resource{Kind: "file", Name: "config/settings.py"},
			finding.Location{Path: "config/settings.py", StartLine: 12},
			check.Violation{Message: `AWS access key "AKIA…MPLE" is hard-coded in AWS_ACCESS_KEY_ID`, Discriminator: "3f9a"}),
		vulnFinding("GO-2023-1571", []string{"CVE-2022-41723", "GHSA-vvpx-j8f3-3w6h"}, "v0.7.0", finding.SeverityUnknown, nil, finding.ReachCalled),
		vulnFinding("GO-2024-2687", []string{"CVE-2023-45288"}, "v0.23.0", finding.SeverityMedium,
			&finding.CVSS{Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", Score: 5.3}, finding.ReachNotAnalysed),
		vulnFinding("GO-2022-0969", nil, "", finding.SeverityUnknown, nil, finding.ReachRequired),
		metaRoot.Finding(
			finding.Resource{Kind: "Dockerfile", Name: "Dockerfile (stage runtime)"},
			finding.Location{Path: "Dockerfile", StartLine: 9, EndLine: 14},
			check.Violation{Message: `final stage "runtime" has no USER instruction, so it runs as root`}),
		metaCurlSh.Finding(
			finding.Resource{Kind: "Dockerfile", Name: "Dockerfile (stage build)"},
			finding.Location{Path: "Dockerfile", StartLine: 4},
			check.Violation{Message: `RUN pipes "curl -fsSL https://example.com/install.sh | sh" into a shell`}),
		metaPrivileged.Finding(
			finding.Resource{Kind: "Deployment", Name: "shop/api"},
			finding.Location{Path: "deploy/api.yaml", StartLine: 21, EndLine: 22},
			check.Violation{Message: `container "api" must not set securityContext.privileged=true`, Field: "spec.template.spec.containers[0].securityContext.privileged"}),
		metaSecretsRBAC.Finding(
			finding.Resource{Kind: "ServiceAccount", Name: "shop/api"},
			finding.Location{Object: "namespaces/shop/serviceaccounts/api"},
			check.Violation{Message: `service account "shop/api" can get, list and watch secrets through RoleBinding "shop/api-reader"`}),
		metaNetpol.Finding(
			finding.Resource{Kind: "Deployment", Name: "shop/api"},
			finding.Location{Object: "namespaces/shop/deployments/api"},
			check.Violation{Message: `no NetworkPolicy in namespace "shop" selects pods of Deployment "api"`}),
		metaS3Encryption.Finding(
			finding.Resource{Kind: "aws_s3_bucket", Name: "aws_s3_bucket.logs"},
			finding.Location{Path: "infra/main.tf", StartLine: 3, EndLine: 10},
			check.Violation{Message: `bucket "aws_s3_bucket.logs" has no server-side encryption configuration`}),
		metaS3Logging.Finding(
			finding.Resource{Kind: "aws_s3_bucket", Name: "aws_s3_bucket.logs"},
			finding.Location{Path: "infra/main.tf", StartLine: 3, EndLine: 10},
			check.Violation{Message: `bucket "aws_s3_bucket.logs" has no access logging`}),
	}
	finding.Sort(fs)
	return &Report{
		Tool:        "fourc",
		Version:     "0.1.0",
		Target:      "./shop",
		GeneratedAt: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC),
		Findings:    fs,
		Suppressed: []Suppressed{{
			Finding: metaSecret.Finding(
				finding.Resource{Kind: "file", Name: "tests/fixtures/aws.txt"},
				finding.Location{Path: "tests/fixtures/aws.txt", StartLine: 3},
				check.Violation{Message: `AWS access key "AKIA…7EXA" is hard-coded`, Discriminator: "77c1"}),
			By:     "ignore file .fourcignore.yaml:4",
			Reason: "test fixture, not a real key",
		}, {
			Finding: vexed(vulnFinding("GO-2023-2102", []string{"CVE-2023-39325"}, "v0.17.0", finding.SeverityHigh,
				&finding.CVSS{Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: 7.5}, finding.ReachNotAnalysed)),
			By:     "VEX",
			Reason: "not_affected: vulnerable_code_not_in_execute_path",
		}},
		Skipped: []finding.Skipped{{
			Path:    "charts/broken/values.yaml",
			Scanner: "kube",
			Reason:  `parsing "charts/broken/values.yaml": yaml: line 7: did not find expected key`,
		}},
		Notices: []string{"ignore entry .fourcignore.yaml:9 (FC-K8S-020) expired on 2026-01-31 and no longer applies"},
		Checks: []check.Meta{
			metaS3Encryption, metaS3Logging, metaRoot, metaCurlSh, metaPrivileged,
			metaSecretsRBAC, metaNetpol, metaAutomount, metaSecret,
		},
	}
}

// vulnFinding is a FC-VULN-001 finding of golang.org/x/net v0.1.0 with
// its structured vulnerability, severity decided as vuln.Effective does.
func vulnFinding(id string, aliases []string, fixed string, base finding.Severity, cvss *finding.CVSS, reach string) finding.Finding {
	msg := "golang.org/x/net@v0.1.0 is affected by " + id
	if fixed != "" {
		msg += "; fixed in " + fixed
	}
	f := metaVuln.Finding(
		finding.Resource{Kind: "go-module", Name: "golang.org/x/net@v0.1.0"},
		finding.Location{Path: "go.mod", StartLine: 7},
		check.Violation{Message: msg, Discriminator: id})
	v := &finding.Vulnerability{
		ID: id, Aliases: aliases, Summary: "Vulnerability " + id + " in golang.org/x/net",
		Ecosystem: "Go", Package: "golang.org/x/net", InstalledVersion: "v0.1.0", FixedVersions: []string{},
		CVSS: cvss, BaseSeverity: base, SeveritySource: "none", Reachability: finding.Reachability{Level: reach},
	}
	if fixed != "" {
		v.FixedVersions = []string{fixed}
		f.Remediation = "Upgrade golang.org/x/net to " + fixed + " or later."
	}
	if cvss != nil {
		v.SeveritySource = "cvss_v3"
	}
	switch {
	case reach == finding.ReachCalled && base == finding.SeverityUnknown:
		v.EffectiveSeverity, v.SeverityReason = finding.SeverityHigh, "UNKNOWN (the advisory has no CVSS score or rating), taken as HIGH because the vulnerable code is called"
	case reach == finding.ReachRequired:
		v.EffectiveSeverity, v.SeverityReason = finding.SeverityLow, "UNKNOWN lowered to LOW because the module is required but no vulnerable package is imported; no fix is published"
	default:
		v.EffectiveSeverity, v.SeverityReason = base, base.String()+" as rated; reachability not analysed"
	}
	f.Vulnerability, f.Severity = v, v.EffectiveSeverity
	return f
}

// vexed marks a vulnerability finding as VEX not_affected.
func vexed(f finding.Finding) finding.Finding {
	f.Vulnerability.VEXStatus = "not_affected"
	return f
}

// render writes r with the named format and options.
func render(t testing.TB, format string, o Options, r *Report) []byte {
	t.Helper()
	w, err := New(format, o)
	if err != nil {
		t.Fatalf("New(%q): %v", format, err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("writing %s: %v", format, err)
	}
	return buf.Bytes()
}

// checkGolden compares got with testdata/golden/name, or rewrites the file
// with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test ./internal/report -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got; run go test ./internal/report -update if intended):\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		format string
		opts   Options
		golden string
	}{
		{"table", Options{}, "report.txt"},
		{"table", Options{Color: true}, "report.color.txt"},
		{"json", Options{}, "report.json"},
		{"sarif", Options{}, "report.sarif"},
		{"markdown", Options{}, "report.md"},
		{"table", Options{VulnDetail: true}, "report.vulndetail.txt"},
		{"table", Options{Detail: true}, "report.detail.txt"},
		{"table", Options{Detail: true, VulnDetail: true}, "report.detail.vulndetail.txt"},
		{"table", Options{Width: 80}, "report.80.txt"},
		{"table", Options{Width: 160}, "report.160.txt"},
		{"markdown", Options{VulnDetail: true}, "report.detail.md"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := render(t, tt.format, tt.opts, testReport())
			checkGolden(t, tt.golden, got)
			// Writing twice gives the same bytes.
			if again := render(t, tt.format, tt.opts, testReport()); !bytes.Equal(got, again) {
				t.Errorf("%s output is not deterministic", tt.format)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if diff := cmp.Diff([]string{"gitlab", "html", "json", "junit", "markdown", "sarif", "table"}, Formats()); diff != "" {
		t.Errorf("Formats() mismatch (-want +got):\n%s", diff)
	}
	for _, name := range []string{"JSON", "Table", "SARIF", "markdown", "HTML"} {
		if _, err := New(name, Options{}); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
	_, err := New("yaml", Options{})
	if err == nil || !strings.Contains(err.Error(), `"yaml"`) || !strings.Contains(err.Error(), "gitlab, html, json, junit, markdown, sarif, table") {
		t.Errorf(`New("yaml") error = %v, want one naming the format and the choices`, err)
	}
}

// TestEmptyAndNilReport: every writer handles a report with nothing in it
// and refuses a nil one.
func TestEmptyAndNilReport(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			out := render(t, format, Options{}, &Report{})
			if len(out) == 0 {
				t.Error("empty report rendered to nothing")
			}
			w, _ := New(format, Options{})
			if err := w.Write(&bytes.Buffer{}, nil); err == nil {
				t.Error("nil report: got no error")
			}
		})
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrorsAreReturned(t *testing.T) {
	for _, format := range Formats() {
		w, _ := New(format, Options{})
		if err := w.Write(errWriter{}, testReport()); err == nil {
			t.Errorf("%s: write to a failing writer returned no error", format)
		}
	}
}

// BenchmarkWriters renders a report of 10,000 findings in every format.
func BenchmarkWriters(b *testing.B) {
	r := testReport()
	r.Findings = manyFindings(10000, false, `container "api" must not set securityContext.privileged=true`)
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			w, err := New(format, Options{})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := w.Write(&buf, r); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
