package coverage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func TestAnchors(t *testing.T) {
	anchors, err := Anchors()
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	cis := 0
	for _, a := range anchors {
		n[a.Provider]++
		if len(a.CIS) > 0 {
			cis++
		}
	}
	// The table covers the three providers with their full sets (not a
	// sample); these floors catch a truncated or mis-split file.
	for p, min := range map[string]int{"AWS": 150, "Azure": 70, "GCP": 70} {
		if n[p] < min {
			t.Errorf("%s: %d anchors, want at least %d", p, n[p], min)
		}
	}
	if len(n) != len(Providers) {
		t.Errorf("providers %v, want %v", n, Providers)
	}
	if cis < 30 {
		t.Errorf("%d anchors map to CIS items, want at least 30", cis)
	}
}

func TestParseAnchorsRejects(t *testing.T) {
	for name, line := range map[string]string{
		"columns":        "AWS\ts3\tAVD-AWS-0086\taws-s3-block-public-acls\tS3 block",
		"avd":            "AWS\ts3\tAVD-AWS-86\t\t\tS3 block\tHIGH",
		"provider":       "Azure\ts3\tAVD-AWS-0086\t\t\tS3 block\tHIGH",
		"tfsec":          "AWS\ts3\tAVD-AWS-0086\tAWS S3\t\tS3 block\tHIGH",
		"severity":       "AWS\ts3\tAVD-AWS-0086\t\t\tS3 block\tURGENT",
		"title":          "AWS\ts3\tAVD-AWS-0086\t\t\t\tHIGH",
		"duplicate avd":  "AWS\ts3\tAVD-AWS-0086\t\t\tS3 block\tHIGH\nAWS\ts3\tAVD-AWS-0086\t\t\tS3 block again\tHIGH",
		"duplicate tfse": "AWS\ts3\tAVD-AWS-0086\taws-s3-x\t\tS3 block\tHIGH\nAWS\ts3\tAVD-AWS-0087\taws-s3-x\t\tS3 block again\tHIGH",
	} {
		if _, err := parseAnchors("# comment\n" + line + "\n"); err == nil {
			t.Errorf("%s: parsed %q without error", name, line)
		}
	}
	got, err := parseAnchors("# c\nAWS\ts3\tAVD-AWS-0086\taws-s3-block-public-acls\tCIS AWS 1.4 2.1.5; CIS AWS 1.2 2.1\tS3 block\tHIGH\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Anchor{{Provider: "AWS", Service: "s3", AVD: "AVD-AWS-0086", TFSec: "aws-s3-block-public-acls", CIS: []string{"CIS AWS 1.4 2.1.5", "CIS AWS 1.2 2.1"}, Title: "S3 block", Severity: "HIGH"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		ref             finding.Reference
		avd, tfsec, cis string
	}{
		{ref: finding.Reference{Source: "AVD-AWS-0086", URL: "https://avd.aquasec.com/misconfig/avd-aws-0086"}, avd: "AVD-AWS-0086"},
		{ref: finding.Reference{Source: "avd-gcp-0001"}, avd: "AVD-GCP-0001"},
		{ref: finding.Reference{Source: "Trivy", URL: "https://avd.aquasec.com/misconfig/aws/s3/avd-aws-0093/"}, avd: "AVD-AWS-0093"},
		{ref: finding.Reference{Source: "tfsec:aws-s3-block-public-acls"}, tfsec: "aws-s3-block-public-acls"},
		{ref: finding.Reference{Source: "tfsec", URL: "https://aquasecurity.github.io/tfsec/latest/checks/aws/api-gateway/enable-tracing/"}, tfsec: "aws-api-gateway-enable-tracing"},
		{ref: finding.Reference{Source: "CIS AWS Foundations 3.0.0 2.1.1"}, cis: "CIS AWS Foundations 3.0.0 2.1.1"},
		{ref: finding.Reference{Source: "CWE-311", URL: "https://cwe.mitre.org/data/definitions/311.html"}},
	} {
		avd, tfsec, cis := parseRef(tc.ref)
		if avd != tc.avd || tfsec != tc.tfsec || cis != tc.cis {
			t.Errorf("parseRef(%+v) = %q, %q, %q; want %q, %q, %q", tc.ref, avd, tfsec, cis, tc.avd, tc.tfsec, tc.cis)
		}
	}
}

func TestTFSecLink(t *testing.T) {
	for id, want := range map[string]string{
		"aws-s3-enable-versioning":              "https://aquasecurity.github.io/tfsec/latest/checks/aws/s3/enable-versioning/",
		"aws-api-gateway-enable-tracing":        "https://aquasecurity.github.io/tfsec/latest/checks/aws/api-gateway/enable-tracing/",
		"azure-security-center-alert-on-severe": "https://aquasecurity.github.io/tfsec/latest/checks/azure/security-center/alert-on-severe/",
	} {
		if got := tfsecLink(id); !strings.Contains(got, "("+want+")") {
			t.Errorf("tfsecLink(%s) = %s, want a link to %s", id, got, want)
		}
	}
}

var testAnchors = []Anchor{
	{Provider: "AWS", Service: "s3", AVD: "AVD-AWS-0086", TFSec: "aws-s3-block-public-acls", CIS: []string{"CIS AWS 1.4 2.1.5"}, Title: "S3 block ACLs"},
	{Provider: "AWS", Service: "s3", AVD: "AVD-AWS-0090", TFSec: "aws-s3-enable-versioning", Title: "S3 versioning"},
	{Provider: "AWS", Service: "rds", AVD: "AVD-AWS-0177", Title: "RDS deletion protection"},
	{Provider: "GCP", Service: "gke", AVD: "AVD-GCP-0062", TFSec: "google-gke-use-rbac-permissions", Title: "GKE legacy ABAC"},
	{Provider: "Azure", Service: "storage", AVD: "AVD-AZU-0008", TFSec: "azure-storage-enforce-https", Title: "HTTPS only"},
}

func meta(id, title string, layer finding.Layer, refs ...finding.Reference) check.Meta {
	return check.New(id, title, finding.SeverityHigh, layer, "d", "r", refs...)
}

func TestBuild(t *testing.T) {
	checks := []check.Meta{
		meta("FC-AWS-002", "S3 bucket versioning is not enabled", finding.LayerCloud,
			finding.Reference{Source: "tfsec:aws-s3-enable-versioning"}),
		meta("FC-AWS-001", "S3 public ACLs", finding.LayerCloud,
			finding.Reference{Source: "AVD-AWS-0086"}, finding.Reference{Source: "CIS AWS Foundations 2.1.5"}),
		meta("FC-AWS-009", "Backup bucket has no object lock", finding.LayerCloud),
		meta("FC-AWS-010", "EKS audit logs are off", finding.LayerCloud),
		meta("FC-GCP-001", "GKE legacy ABAC", finding.LayerCloud,
			finding.Reference{Source: "Trivy", URL: "https://avd.aquasec.com/misconfig/avd-gcp-0062"}),
		meta("FC-S3-001", "Live bucket versioning", finding.LayerCloud, finding.Reference{Source: "AVD-AWS-0090"}),
		meta("FC-S3-002", "Live bucket encryption", finding.LayerCloud),
		meta("FC-K8S-001", "Pod is privileged", finding.LayerCluster, finding.Reference{Source: "AVD-AWS-0177"}),
		meta("FC-GCP-002", "GKE typo", finding.LayerCloud, finding.Reference{Source: "AVD-GCP-9999"}, finding.Reference{Source: "AVD-AWS-0177"}),
	}
	rep := Build(checks, testAnchors)
	type svc struct {
		Name       string
		Checks     []string
		NotCovered []string
	}
	type prov struct {
		Name                     string
		Checks, Anchors, Covered int
		Services                 []svc
	}
	var got []prov
	for _, p := range rep.Providers {
		gp := prov{Name: p.Name, Checks: p.Checks, Anchors: p.Anchors, Covered: p.Covered}
		for _, s := range p.Services {
			gs := svc{Name: s.Name}
			for _, r := range s.Rows {
				gs.Checks = append(gs.Checks, r.Check.ID+" "+strings.Join(r.AVD, ",")+" "+strings.Join(r.TFSec, ",")+" "+strings.Join(r.CIS, ","))
				if len(r.Unknown) > 0 {
					gs.Checks = append(gs.Checks, "unknown "+strings.Join(r.Unknown, ","))
				}
			}
			for _, a := range s.NotCovered {
				gs.NotCovered = append(gs.NotCovered, a.AVD)
			}
			gp.Services = append(gp.Services, gs)
		}
		got = append(got, gp)
	}
	want := []prov{
		{Name: "AWS", Checks: 5, Anchors: 3, Covered: 2, Services: []svc{
			{Name: "eks", Checks: []string{"FC-AWS-010   "}},
			{Name: "rds", NotCovered: []string{"AVD-AWS-0177"}},
			{Name: "s3", Checks: []string{
				"FC-AWS-001 AVD-AWS-0086 aws-s3-block-public-acls CIS AWS Foundations 2.1.5,CIS AWS 1.4 2.1.5",
				"FC-AWS-002 AVD-AWS-0090 aws-s3-enable-versioning ",
				"FC-S3-001 AVD-AWS-0090 aws-s3-enable-versioning ",
			}},
			{Name: "other", Checks: []string{"FC-AWS-009   "}},
		}},
		{Name: "Azure", Anchors: 1, Services: []svc{{Name: "storage", NotCovered: []string{"AVD-AZU-0008"}}}},
		{Name: "GCP", Checks: 2, Anchors: 1, Covered: 1, Services: []svc{
			{Name: "gke", Checks: []string{
				"FC-GCP-001 AVD-GCP-0062 google-gke-use-rbac-permissions ",
				"FC-GCP-002 AVD-GCP-9999,AVD-AWS-0177  ",
				"unknown AVD-GCP-9999,AVD-AWS-0177",
			}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Build (-want +got):\n%s", diff)
	}
}

func TestMarkdown(t *testing.T) {
	var buf bytes.Buffer
	checks := []check.Meta{meta("FC-AWS-001", "S3 | public ACLs", finding.LayerCloud, finding.Reference{Source: "AVD-AWS-0086"})}
	if err := Markdown(&buf, checks); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| [AWS](#aws) | 1 | ",
		"### AWS s3\n",
		"| [FC-AWS-001](checks.md#fc-aws-001) | S3 \\| public ACLs | HIGH | [AVD-AWS-0086](https://avd.aquasec.com/misconfig/avd-aws-0086) | [aws-s3-block-public-acls](https://aquasecurity.github.io/tfsec/latest/checks/aws/s3/block-public-acls/) |",
		"Not covered yet (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "\n| [AVD-AWS-0086](") {
		t.Error("AVD-AWS-0086 is covered but listed as not covered")
	}
}
