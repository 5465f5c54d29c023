package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/fourc-dev/fourc"

// layerOf places each internal package in the one-way dependency order:
// vocabulary ← checks ← capabilities ← engine/posture ← report ← pipeline ←
// cli ← main.
// A package may import only packages of a lower rank, except capabilities,
// which may import one another only as listed in capabilityDeps.
var rank = map[string]int{
	"internal/finding":    0,
	"internal/limits":     0,
	"internal/progress":   0, // progress events: standard library only
	"internal/check":      1,
	"internal/source":     1,
	"internal/transport":  1,
	"internal/strictyaml": 1,
	"internal/rbac":       2, // the one RBAC model kube and cluster share: k8s.io/api only
	"internal/config":     5,
	"internal/ignore":     5,
	"internal/engine":     5,
	"internal/posture":    6,
	"internal/coverage":   6, // docs/coverage.md: check metadata against the anchor table
	"internal/report":     7,
	"internal/admission":  7, // the webhook: kube's checks, posture's rules, config and ignore's formats
	"internal/operator":   7, // the in-cluster operator: cluster, image and posture under controller-runtime
	"internal/catalogue":  7,
	"internal/pipeline":   8,
	"internal/cli":        9,
	"cmd/fourc":           10,
}

// capabilityRank is the rank of every other internal package (secret,
// dockerfile, kube, iac, vuln, …).
const capabilityRank = 3

// capabilityDeps lists the capability-to-capability imports that are
// allowed; everything else between capabilities is a layering error.
var capabilityDeps = map[string][]string{
	"internal/vuln":         {"internal/inventory", "internal/vulndb", "internal/vex", "internal/reach"},
	"internal/sbom":         {"internal/inventory"},
	"internal/image":        {"internal/inventory", "internal/vuln", "internal/vulndb", "internal/secret", "internal/malware", "internal/dockerfile", "internal/signature", "internal/sbom"},
	"internal/dockerfile":   {"internal/secret"},
	"internal/kube":         {"internal/secret", "internal/render"},
	"internal/cluster":      {"internal/kube", "internal/controlplane"},
	"internal/host":         {"internal/inventory"},
	"internal/controlplane": {"internal/host"},
	"internal/probe":        {"internal/controlplane"},
	"internal/history":      {"internal/secret"},
}

// heavy external modules may only be imported by the packages named.
var heavy = map[string][]string{
	"github.com/spf13/cobra":         {"internal/cli"},
	"k8s.io/client-go":               {"internal/cluster", "internal/testenv", "internal/admission", "internal/operator", "bench/k8s", "bench/admission", "bench/operator"},
	"sigs.k8s.io/controller-runtime": {"internal/admission", "internal/operator", "bench/operator"},
	"github.com/prometheus":          {"internal/admission", "internal/operator"},
	"github.com/aws/aws-sdk-go-v2":   {"internal/objectstore"},
	"helm.sh/helm/v3":                {"internal/render"},
	"k8s.io/apiserver":               {"internal/audit", "internal/cli"},
	"sigs.k8s.io/kustomize":          {"internal/render"},
}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		for _, imp := range fields[1:] {
			checkImport(t, pkg, imp)
		}
	}
}

func top(pkg string) string {
	parts := strings.Split(pkg, "/")
	if len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return pkg
}

func rankOf(pkg string) int {
	if r, ok := rank[top(pkg)]; ok {
		return r
	}
	return capabilityRank
}

func checkImport(t *testing.T, pkg, imp string) {
	t.Helper()
	for mod, allowed := range heavy {
		if (imp == mod || strings.HasPrefix(imp, mod+"/")) && !slices.Contains(allowed, top(pkg)) {
			t.Errorf("%s imports %s; only %v may", pkg, imp, allowed)
		}
	}
	if top(pkg) == "internal/finding" && strings.Contains(imp, ".") {
		t.Errorf("internal/finding must use only the standard library, imports %s", imp)
	}
	if !strings.HasPrefix(imp, module+"/") {
		return
	}
	dep := strings.TrimPrefix(imp, module+"/")
	if top(dep) == top(pkg) || strings.HasPrefix(pkg, "bench/") {
		return
	}
	pr, dr := rankOf(pkg), rankOf(dep)
	switch {
	case pr == capabilityRank && dr == capabilityRank:
		if !slices.Contains(capabilityDeps[top(pkg)], top(dep)) {
			t.Errorf("capability %s imports capability %s; add it to capabilityDeps only if the direction is right", pkg, dep)
		}
	case dr >= pr:
		t.Errorf("%s (rank %d) imports %s (rank %d): dependencies must point down", pkg, pr, dep, dr)
	}
}
