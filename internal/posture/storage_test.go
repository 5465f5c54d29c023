package posture

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/kube"
)

// analyseFixture scans a fixture tree (manifests and Terraform) with the
// real Kubernetes and Terraform scanners and analyses the result.
func analyseFixture(t *testing.T, dir string) (*Result, []finding.Finding) {
	t.Helper()
	scanners := []engine.Scanner{kube.NewScanner(kube.Options{}), iac.NewScanner(iac.Options{})}
	res, err := engine.Run(context.Background(), os.DirFS(dir), scanners, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 {
		t.Fatalf("scan of %s skipped inputs: %v", dir, res.Skipped)
	}
	return Analyze(Input{Findings: res.Findings, Assets: res.Assets}, Options{}), res.Findings
}

func pathsOf(r *Result, rule string) []Path {
	var out []Path
	for _, p := range r.Paths {
		if p.Rule == rule {
			out = append(out, p)
		}
	}
	return out
}

func TestUnencryptedDisksFail(t *testing.T) {
	for _, tc := range []struct{ dir, account string }{
		{"fail", "does not enable EBS default encryption"},
		{"fail-disabled", "turns EBS default encryption off (aws_ebs_encryption_by_default at terraform/main.tf:5)"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			r, _ := analyseFixture(t, filepath.Join("testdata", "FC-PATH-007", tc.dir))
			ps := pathsOf(r, "FC-PATH-007")
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			want := []string{
				"FC-PATH-007:workload:billing/Deployment/reporter|pvc:billing/reports",
				"FC-PATH-007:workload:billing/StatefulSet/ledger|pvc:billing/data-ledger-*",
			}
			slices.Sort(ids)
			if !slices.Equal(ids, want) {
				t.Fatalf("paths %v, want %v", ids, want)
			}
			for _, p := range ps {
				if p.Severity != finding.SeverityHigh || !slices.Equal(p.Layers, []finding.Layer{finding.LayerCluster, finding.LayerCloud}) {
					t.Errorf("%s: severity %s layers %v", p.ID, p.Severity, p.Layers)
				}
				var kinds []string
				for _, s := range p.Steps {
					kinds = append(kinds, s.Kind)
				}
				if !slices.Equal(kinds, []string{"workload", "pvc", "storageclass", "account"}) {
					t.Errorf("%s: steps %v", p.ID, kinds)
				}
				if f := p.Steps[2].Findings; len(f) != 1 || f[0].CheckID != "FC-K8S-212" {
					t.Errorf("%s: StorageClass step findings %v, want FC-K8S-212", p.ID, f)
				}
				if !strings.Contains(p.Steps[3].Text, tc.account) {
					t.Errorf("%s: account step %q, want it to say %q", p.ID, p.Steps[3].Text, tc.account)
				}
			}
		})
	}
}

func TestUnencryptedDisksPass(t *testing.T) {
	for _, dir := range []string{"pass-default", "pass-no-terraform", "pass-encrypted-class"} {
		t.Run(dir, func(t *testing.T) {
			r, fs := analyseFixture(t, filepath.Join("testdata", "FC-PATH-007", dir))
			if ps := pathsOf(r, "FC-PATH-007"); len(ps) > 0 {
				t.Errorf("FC-PATH-007 fired: %s", ps[0].Summary)
			}
			for _, f := range fs {
				if f.CheckID != "FC-K8S-212" {
					continue
				}
				p, _ := r.PriorityOf(f)
				encrypted := strings.Contains(p.Reason(), "encrypted by the account default (aws_ebs_encryption_by_default in terraform/main.tf:10)")
				if encrypted != (dir == "pass-default") {
					t.Errorf("FC-K8S-212 priority %s: %s", p, p.Reason())
				}
			}
		})
	}
}

// TestEncryptedByDefaultLowersPriority compares FC-K8S-212 with and
// without the account default: the default costs it one rank (the
// reporter is exposed, which gives it one).
func TestEncryptedByDefaultLowersPriority(t *testing.T) {
	level := func(dir string) int {
		r, fs := analyseFixture(t, filepath.Join("testdata", "FC-PATH-007", dir))
		for _, f := range fs {
			if f.CheckID == "FC-K8S-212" {
				p, _ := r.PriorityOf(f)
				return p.Level
			}
		}
		t.Fatalf("%s: no FC-K8S-212", dir)
		return 0
	}
	if without, with := level("pass-no-terraform"), level("pass-default"); with <= without {
		t.Errorf("priority with the account default P%d, without P%d", with, without)
	}
}
