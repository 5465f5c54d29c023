package kube

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"

	"k8s.io/pod-security-admission/api"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/render"
)

// DefaultUntrustedNamespaceLabel marks namespaces that run untrusted code
// when set to "true".
const DefaultUntrustedNamespaceLabel = "fourc.dev/untrusted"

// Options tune the scanner. The zero value is usable.
type Options struct {
	// UntrustedNamespaceLabel is the namespace label that, set to "true",
	// requires workloads in that namespace to set runtimeClassName (a
	// sandboxed runtime such as gVisor or Kata). Empty means
	// DefaultUntrustedNamespaceLabel.
	UntrustedNamespaceLabel string
	// Render bounds the rendering of Helm charts and kustomizations.
	Render render.Options
	// KubernetesVersion is the version of the cluster the manifests are
	// for, or that a live cluster runs (see [ParseKubernetesVersion] for the
	// forms accepted). The Pod Security Standards are evaluated at it, and
	// "latest" in a namespace's *-version label means it. Empty means
	// "latest": the newest rules fourc knows.
	KubernetesVersion string
	// HelmValues are the values given to the Helm charts of the scan
	// (--values, --set, fourc.yaml's kubernetes.helm), on top of each
	// chart's own values.yaml.
	HelmValues render.ChartValues
	// RuntimeHandlers are the container runtime handlers the cluster's
	// nodes offer (runc, runsc, kata, …), as `fourc host` prints them or
	// as live Nodes report them in status.runtimeHandlers. Empty means
	// unknown: RuntimeClass handlers are then not judged.
	RuntimeHandlers []string
}

// Scanner audits Kubernetes manifests: workloads (Pod Security Standards
// and fourc's own workload checks), RBAC, and network and namespace
// guardrails. It implements engine.Scanner and engine.Grouper.
type Scanner struct {
	checks catalogue
	render render.Options
	values render.ChartValues
	err    error
}

// catalogue is the checks of the package, by the kind of subject they
// inspect.
type catalogue struct {
	workloads  []check.Check[*Workload]
	objects    []check.Check[*Object]
	namespaces []check.Check[*Namespace]
}

// NewScanner returns a scanner with every check enabled.
func NewScanner(opts Options) *Scanner {
	if opts.UntrustedNamespaceLabel == "" {
		opts.UntrustedNamespaceLabel = DefaultUntrustedNamespaceLabel
	}
	ev, err := newPSSEvaluator()
	if err == nil {
		var v api.Version
		if v, err = parseKubernetesVersion(opts.KubernetesVersion); err == nil {
			ev.version = v
		}
	}
	return &Scanner{checks: newCatalogue(opts, ev), render: opts.Render, values: opts.HelmValues, err: err}
}

// Checks returns the catalogue of this package's checks.
func Checks() []check.Meta {
	c := newCatalogue(Options{UntrustedNamespaceLabel: DefaultUntrustedNamespaceLabel}, nil)
	return c.metas()
}

func (c catalogue) metas() []check.Meta {
	var out []check.Meta
	out = append(out, check.Metas(c.workloads)...)
	out = append(out, check.Metas(c.objects)...)
	out = append(out, check.Metas(c.namespaces)...)
	return out
}

// Name implements engine.Scanner.
func (s *Scanner) Name() string { return scannerName }

// Wants implements engine.Scanner: YAML and JSON files, except package
// manager files that are never manifests, and kustomization files (which
// Scan builds).
func (s *Scanner) Wants(p string) bool {
	base := path.Base(p)
	if render.IsKustomization(p) {
		return !strings.HasPrefix(p, "node_modules/") && !strings.Contains(p, "/node_modules/")
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".yaml", ".yml", ".json":
	default:
		return false
	}
	switch base {
	case "package.json", "package-lock.json", "npm-shrinkwrap.json", "composer.lock", "tsconfig.json":
		return false
	}
	return !strings.HasPrefix(p, "node_modules/") && !strings.Contains(p, "/node_modules/")
}

// Unit implements engine.Grouper: every manifest under one top-level
// directory of the scan root is one unit (files directly in the root form
// the unit "."). Cross-object checks (a namespace without NetworkPolicy, a
// Service exposing a workload, a binding of the default service account)
// look at one unit at a time: an application's manifests usually live
// under one directory, and units keep large monorepos parallel.
func (s *Scanner) Unit(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string {
	if unit == "." {
		return "reading Kubernetes manifests"
	}
	return "reading Kubernetes manifests in " + unit
}

// Scan implements engine.Scanner. It renders the unit's Helm charts and
// kustomizations, loads every other wanted file (see loadObjects), builds
// one Set of the unit's objects and evaluates it.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	if s.err != nil {
		return nil, []finding.Skipped{{Path: strings.Join(paths, ", "), Scanner: scannerName, Reason: oneLine(s.err.Error())}}
	}
	objs, skipped := s.loadObjects(ctx, fsys, paths)
	if ctx.Err() != nil {
		return nil, nil
	}
	return s.Evaluate(NewSet(objs)), skipped
}

// readReason turns a read error into a reason that does not repeat the path.
func readReason(p string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return oneLine(strings.TrimPrefix(err.Error(), p+": "))
}

// helmTemplate reports whether p lies in the templates/ directory of a Helm
// chart (a directory holding Chart.yaml). charts caches the answer per
// directory.
func helmTemplate(fsys fs.FS, p string, charts map[string]bool) bool {
	parts := strings.Split(p, "/")
	for i := 0; i < len(parts)-1; i++ {
		if parts[i] != "templates" {
			continue
		}
		dir := path.Join(parts[:i]...)
		chart, ok := charts[dir]
		if !ok {
			_, err := fs.Stat(fsys, path.Join(dir, "Chart.yaml"))
			chart = err == nil
			charts[dir] = chart
		}
		if chart {
			return true
		}
	}
	return false
}

// Evaluate runs every check over a set of objects. A live-cluster source
// builds its Set with [NewObject] and [NewSet] and calls this.
func (s *Scanner) Evaluate(set *Set) []finding.Finding {
	var out []finding.Finding
	for _, w := range set.Workloads {
		for _, c := range s.checks.workloads {
			for _, v := range c.Eval(w) {
				out = append(out, c.Finding(w.Resource(), w.Location(v.Field), v))
			}
		}
	}
	for _, o := range set.Objects {
		for _, c := range s.checks.objects {
			for _, v := range c.Eval(o) {
				out = append(out, c.Finding(o.Resource(), o.Location(v.Field), v))
			}
		}
	}
	for _, ns := range set.Namespaces {
		a := ns.Anchor()
		if a == nil {
			continue
		}
		res := finding.Resource{Kind: "Namespace", Name: ns.Name}
		if ns.Name == "" {
			res.Name = "(unset)"
		}
		for _, c := range s.checks.namespaces {
			for _, v := range c.Eval(ns) {
				field := v.Field
				if ns.Object == nil {
					field = "metadata.namespace"
				}
				out = append(out, c.Finding(res, a.Location(field), v))
			}
		}
	}
	finding.Sort(out)
	return out
}
