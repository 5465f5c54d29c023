package report_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/report"
)

func exampleReport() *report.Report {
	privileged := check.New(
		"FC-K8S-001",
		"Container is privileged",
		finding.SeverityCritical,
		finding.LayerCluster,
		"",
		"Remove securityContext.privileged or set it to false.",
	)
	f := privileged.Finding(
		finding.Resource{Kind: "Deployment", Name: "shop/api"},
		finding.Location{Path: "deploy/api.yaml", StartLine: 21},
		check.Violation{Message: `container "api" must not set securityContext.privileged=true`},
	)
	return &report.Report{
		Tool:        "fourc",
		Version:     "0.1.0",
		Target:      "./shop",
		GeneratedAt: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC),
		Findings:    []finding.Finding{f},
		Checks:      []check.Meta{privileged},
	}
}

func ExampleNew() {
	w, err := report.New("table", report.Options{Color: false})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Write(os.Stdout, exampleReport()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// fourc 0.1.0 · ./shop
	// 1 finding · 0 suppressed · 0 skipped inputs
	//
	// Findings  1 finding · --detail for fixes and reasons
	//   CRITICAL  FC-K8S-001  Container is privileged  Deployment/shop/api  deploy/api.yaml:21
	//
	// Summary
	//   Code       no findings
	//   Container  no findings
	//   Cluster    1 critical
	//   Cloud      no findings
	//
	// No findings were suppressed.
}

func ExampleNew_unknownFormat() {
	_, err := report.New("yaml", report.Options{})
	fmt.Println(err)
	// Output:
	// unknown format "yaml" (want one of gitlab, html, json, junit, markdown, sarif, table)
}

func ExampleWriteFileAtomic() {
	dir, err := os.MkdirTemp("", "fourc-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "fourc.sarif")

	err = report.WriteFileAtomic(name, 0o644, func(w io.Writer) error {
		return report.WriteSARIF(w, exampleReport())
	})
	fmt.Println("written:", err == nil)

	// A failing writer leaves the file as it was.
	err = report.WriteFileAtomic(name, 0o644, func(w io.Writer) error {
		return fmt.Errorf("scan interrupted")
	})
	fmt.Println(err != nil)
	b, _ := os.ReadFile(name)
	fmt.Println(len(b) > 0 && b[0] == '{')
	// Output:
	// written: true
	// true
	// true
}
