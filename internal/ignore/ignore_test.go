package ignore

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func fd(id, p string, line int, res string) finding.Finding {
	kind, name, _ := strings.Cut(res, "/")
	f := finding.Finding{CheckID: id, Location: finding.Location{Path: p, StartLine: line}, Resource: finding.Resource{Kind: kind, Name: name}}
	f.Fingerprint = f.ComputeFingerprint("")
	return f
}

func TestApplyIgnoreFile(t *testing.T) {
	file, err := Parse(".fourcignore.yaml", []byte(`
ignores:
  - id: FC-DF-004
    path: build/Dockerfile
    reason: needs root for port 80
    expires: 2026-11-25
  - id: FC-K8S-*
    resource: Deployment/shop/*
  - id: FC-TF-001
    expires: 2026-11-24
    reason: old
  - id: FC-SEC-001
    path: "testdata/**"
  - id: FC-NONE-999
`))
	if err != nil {
		t.Fatal(err)
	}
	in := []finding.Finding{
		fd("FC-DF-004", "build/Dockerfile", 3, "Dockerfile/build"),   // suppressed by entry 1 (last day)
		fd("FC-DF-004", "other/Dockerfile", 3, "Dockerfile/other"),   // kept: path differs
		fd("FC-K8S-010", "k8s/app.yaml", 9, "Deployment/shop/api"),   // suppressed by glob
		fd("FC-K8S-010", "k8s/app.yaml", 30, "Deployment/other/api"), // kept
		fd("FC-TF-001", "main.tf", 4, "aws_s3_bucket/logs"),          // kept: entry expired
		fd("FC-SEC-001", "testdata/keys/a.pem", 1, "file/a"),         // suppressed by dir/**
	}
	got := Apply(in, file, nil, now)
	var kept, supp []string
	for _, f := range got.Kept {
		kept = append(kept, f.CheckID+" "+f.Location.Path)
	}
	for _, s := range got.Suppressed {
		supp = append(supp, s.Finding.CheckID+" "+s.By+" "+s.Reason)
	}
	if diff := cmp.Diff([]string{"FC-DF-004 other/Dockerfile", "FC-K8S-010 k8s/app.yaml", "FC-TF-001 main.tf"}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"FC-DF-004 ignore file .fourcignore.yaml:3 needs root for port 80",
		"FC-K8S-010 ignore file .fourcignore.yaml:7 ",
		"FC-SEC-001 ignore file .fourcignore.yaml:12 ",
	}, supp); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"ignore entry .fourcignore.yaml:9 (FC-TF-001) expired on 2026-11-24 and no longer suppresses",
		"ignore entry .fourcignore.yaml:14 (FC-NONE-999) matched no finding; remove it if the problem is fixed",
	}, got.Notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

func TestApplyFingerprint(t *testing.T) {
	f := fd("FC-SEC-002", "a.go", 3, "file/a.go")
	file, err := Parse("i.yaml", []byte("ignores:\n  - fingerprint: "+f.Fingerprint+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := Apply([]finding.Finding{f, fd("FC-SEC-002", "b.go", 3, "file/b.go")}, file, nil, now)
	if len(got.Suppressed) != 1 || len(got.Kept) != 1 || got.Kept[0].Location.Path != "b.go" {
		t.Fatalf("fingerprint entry: kept %v, suppressed %v", got.Kept, got.Suppressed)
	}
}

func TestInline(t *testing.T) {
	fsys := fstest.MapFS{
		"Dockerfile": {Data: []byte("FROM alpine:3.20\n# fourc:ignore FC-DF-004 -- root is needed here\nUSER root\nEXPOSE 22 # fourc:ignore FC-DF-012, FC-DF-013\n")},
		"k8s.yaml":   {Data: []byte("a: 1 # fourc:ignore everything\n")},
	}
	in := []finding.Finding{
		fd("FC-DF-004", "Dockerfile", 3, ""),
		fd("FC-DF-012", "Dockerfile", 4, ""),
		fd("FC-DF-001", "Dockerfile", 1, ""),
		fd("FC-K8S-001", "k8s.yaml", 1, ""),
	}
	got := Apply(in, nil, fsys, now)
	var supp []string
	for _, s := range got.Suppressed {
		supp = append(supp, s.Finding.CheckID+"|"+s.By+"|"+s.Reason)
	}
	want := []string{
		"FC-DF-004|inline comment Dockerfile:2|root is needed here",
		"FC-DF-012|inline comment Dockerfile:4|",
	}
	if diff := cmp.Diff(want, supp); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if len(got.Kept) != 2 {
		t.Errorf("kept %d findings, want 2", len(got.Kept))
	}
	if len(got.Notices) != 1 || !strings.Contains(got.Notices[0], "k8s.yaml:1 names no check ID") {
		t.Errorf("notices = %q", got.Notices)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ignores:\n  - reason: x\n", "line 2: entry needs an id, a fingerprint or a package"},
		{"ignores:\n  - id: FC-A-1\n    expires: tomorrow\n", `expires "tomorrow" is not a date`},
		{"ignores:\n  - id: \"[\"\n", "bad pattern"},
		{"ignore:\n  - id: x\n", "field ignore not found"},
		{"ignores: [\n", "did not find expected"},
	} {
		_, err := Parse("x.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	if f, err := Parse("empty.yaml", nil); err != nil || len(f.Entries) != 0 {
		t.Errorf("empty file: %v, %v", f, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("ignores:\n  - id: FC-DF-004\n    path: a/**\n    expires: 2027-01-01\n"))
	f.Add([]byte("ignores: [{fingerprint: abc}]"))
	f.Add([]byte("ignores: [{id: CVE-2024-1, package: \"golang.org/x/*\"}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		Apply([]finding.Finding{fd("FC-DF-004", "a/b", 1, "x/y"), vulnFd("golang.org/x/net", "GO-2024-3333", 1, "CVE-2024-1")}, file, nil, now)
	})
}
