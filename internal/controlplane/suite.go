package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/host"
)

// ScannerName names this package in skipped entries.
const ScannerName = "controlplane"

// manifestDirs are where kubeadm and RKE2 keep static pod manifests.
var manifestDirs = []string{"/etc/kubernetes/manifests", "/var/lib/rancher/rke2/agent/pod-manifests"}

// kubeletConfigPaths are the kubelet config files of kubeadm and the
// managed services, tried when no kubelet command line names one.
var kubeletConfigPaths = []string{
	"/var/lib/kubelet/config.yaml",
	"/etc/kubernetes/kubelet/kubelet-config.json",
	"/etc/kubernetes/kubelet/config.json",
	"/home/kubernetes/kubelet-config.yaml",
	"/etc/default/kubeletconfig.json",
	"/etc/kubernetes/kubelet-config.yaml",
	"/var/lib/rancher/rke2/agent/etc/kubelet.conf.d/00-rke2-defaults.conf",
	"/var/lib/rancher/k3s/agent/etc/kubelet.conf.d/00-k3s-defaults.conf",
}

// docFlags are the API server flags naming files whose contents checks
// read.
var docFlags = []string{"encryption-provider-config", "authentication-config", "authorization-config", "audit-policy-file",
	"authentication-token-webhook-config-file", "authorization-webhook-config-file", "audit-webhook-config-file"}

// Options tune the control-plane checks. The zero value reads the version
// from the node.
type Options struct {
	// KubernetesVersion, when set, picks the benchmark instead of the
	// version read from the static pods' images.
	KubernetesVersion string
	// Benchmark, when set, names the benchmark version to use
	// ("cis-1.9"), whatever the Kubernetes version.
	Benchmark string
}

// Suite runs the CIS control-plane, etcd and kubelet checks over a node's
// root filesystem. It implements host.Suite.
type Suite struct{ opts Options }

// NewSuite returns the suite for `fourc host` (pass it in host.Options.Suites).
func NewSuite(opts Options) *Suite { return &Suite{opts: opts} }

// Name implements host.Suite.
func (s *Suite) Name() string { return ScannerName }

// Checks implements host.Suite.
func (s *Suite) Checks() []check.Meta { return Checks() }

// Scan implements host.Suite: it finds the components of the node, reads
// their configuration and judges it against the benchmark for the node's
// Kubernetes version.
func (s *Suite) Scan(ctx context.Context, n *host.Node, facts host.FactFunc) ([]finding.Finding, []finding.Skipped) {
	if facts == nil {
		facts = func(string, string) {}
	}
	cfgs, skipped := Discover(n)
	if len(cfgs) == 0 {
		return nil, skipped
	}
	facts("platform", cfgs[0].Platform.String())
	version := s.opts.KubernetesVersion
	if version == "" {
		version = versionOf(cfgs)
	}
	bench := s.opts.Benchmark
	if bench == "" {
		bench = Benchmark(version)
	}
	if version != "" {
		facts("kubernetes-version", version)
	}
	facts("benchmark", BenchmarkLabel(bench))
	var names []string
	for _, c := range cfgs {
		if c.Component != ControlPlaneNode {
			names = append(names, fmt.Sprintf("%s (%s %s)", c.Component, c.Source, c.Path))
		}
	}
	if len(names) > 0 {
		facts("components", strings.Join(names, "; "))
	}
	if ctx.Err() != nil {
		return nil, skipped
	}
	return Evaluate(cfgs, bench), skipped
}

// versionOf returns the first Kubernetes version the components show.
func versionOf(cfgs []*ComponentConfig) string {
	for _, c := range cfgs {
		if c.Version != "" {
			return c.Version
		}
	}
	return ""
}

// Evaluate judges component configurations against one benchmark version
// (a name from [Benchmarks]) and returns the findings. Rules the version
// does not have are not run; fourc's own rules always are. Findings cite
// the CIS number of that version.
func Evaluate(cfgs []*ComponentConfig, bench string) []finding.Finding {
	var out []finding.Finding
	for _, r := range Rules() {
		if !r.AppliesTo(bench) {
			continue
		}
		c := r.Check()
		if num := r.Number(bench); num != "" {
			c.References = append([]finding.Reference{cisRef(benchmarkTitle(bench), num)}, r.Refs...)
		}
		for _, cfg := range cfgs {
			for _, v := range c.Eval(cfg) {
				out = append(out, c.Finding(
					finding.Resource{Kind: string(cfg.Component), Name: cfg.Node},
					cfg.locate(v), v))
			}
		}
	}
	finding.Sort(out)
	return out
}

// locate turns a violation's field into a location: an absolute node path
// is a file; "--flag" is where that flag was written; any other field is a
// key of the config file.
func (c *ComponentConfig) locate(v check.Violation) finding.Location {
	loc := finding.Location{Path: c.Path, StartLine: v.Line}
	switch {
	case strings.HasPrefix(v.Field, "/"):
		loc.Path = v.Field
	case strings.HasPrefix(v.Field, "--"):
		if a, ok := c.Flag(strings.TrimPrefix(v.Field, "--")); ok && a.Path != "" {
			loc.Path = a.Path
		}
	case v.Field != "" && c.Config != nil:
		loc.Path = c.Config.Path
	}
	if c.Source == SourceKubeadm {
		loc.Object, loc.Path = c.Path, ""
	}
	return loc
}

// Discover finds the Kubernetes components of a node and reads their
// effective configuration: static pod manifests first, then running
// processes for components without one, then the kubelet's systemd units
// or config file. It also reads the files the checks inspect. Inputs that
// cannot be read are returned as skipped. A node without Kubernetes yields
// nothing.
func Discover(n *host.Node) ([]*ComponentConfig, []finding.Skipped) {
	var skipped []finding.Skipped
	skip := func(p, reason string) {
		skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: reason})
	}
	platform := DetectPlatform(n)
	found := staticPods(n, skip)
	procs, _ := n.Processes()
	for _, p := range procs {
		comp, args := processComponent(p.Args)
		if comp == "" || found[comp] != nil {
			continue
		}
		found[comp] = &ComponentConfig{Component: comp, Source: SourceProcess, Path: p.Path(), Args: ParseArgs(args, p.Path(), nil)}
	}
	if found[Kubelet] == nil {
		if k := kubeletOutsidePod(n); k != nil {
			found[Kubelet] = k
		} else {
			delete(found, Kubelet)
		}
	}
	if platform.Name == "k3s" && found[APIServer] == nil {
		skip(platform.Evidence, "K3s runs the API server, controller manager and scheduler inside the k3s process with its own defaults; their flags are not visible on the node, so only the kubelet and node files are checked")
	}
	if platform.Name == "" && len(found) == 0 {
		return nil, skipped // not a Kubernetes node
	}
	found[ControlPlaneNode] = &ComponentConfig{Component: ControlPlaneNode, Source: SourceFiles, Path: "/etc/kubernetes"}
	hostName := host.Hostname(n)
	_, hasEtcd := n.UserID("etcd")
	var out []*ComponentConfig
	for _, comp := range components {
		c := found[comp]
		if c == nil {
			continue
		}
		c.Node, c.Platform, c.HasEtcdUser = hostName, platform, hasEtcd
		switch comp {
		case Kubelet:
			loadKubeletConfig(n, c, skip)
		case APIServer:
			loadDocs(n, c, skip)
		}
		statFiles(n, c, skip)
		out = append(out, c)
	}
	return out, skipped
}

// staticPods reads the components run as static pods, the first manifest
// of each component winning.
func staticPods(n *host.Node, skip func(p, reason string)) map[Component]*ComponentConfig {
	found := map[Component]*ComponentConfig{}
	for _, dir := range manifestDirs {
		entries, err := n.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				skip(dir, err.Error())
			}
			continue
		}
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			if e.IsDir() || !slices.Contains([]string{".yaml", ".yml", ".json", ".manifest"}, path.Ext(p)) {
				continue
			}
			data, err := n.ReadFile(p, maxConfigSize)
			if err != nil {
				skip(p, err.Error())
				continue
			}
			cfg, err := ParseStaticPod(p, data)
			if err != nil {
				if !errors.Is(err, errNoComponent) {
					skip(p, err.Error())
				}
				continue
			}
			if _, dup := found[cfg.Component]; !dup {
				found[cfg.Component] = cfg
			}
		}
	}
	return found
}

// kubeletOutsidePod finds a kubelet run by systemd, else one known by its
// config file alone, else returns nil.
func kubeletOutsidePod(n *host.Node) *ComponentConfig {
	if k := KubeletFromSystemd(n); k != nil {
		return k
	}
	for _, p := range kubeletConfigPaths {
		if n.Exists(p) {
			return &ComponentConfig{Component: Kubelet, Source: SourceConfig, Path: p}
		}
	}
	return nil
}

// processComponent names the component a command line runs and returns
// its arguments after the program (and a hyperkube subcommand).
func processComponent(args []string) (Component, []string) {
	if len(args) == 0 {
		return "", nil
	}
	if c := componentOfProgram(args[0]); c != "" {
		return c, args[1:]
	}
	if path.Base(args[0]) == "hyperkube" && len(args) > 1 {
		if c := componentOfProgram(args[1]); c != "" {
			return c, args[2:]
		}
	}
	return "", nil
}

// loadKubeletConfig reads the kubelet's config file: the one --config
// names, or for a kubelet known only by its config file, that file.
func loadKubeletConfig(n *host.Node, c *ComponentConfig, skip func(p, reason string)) {
	p := ""
	if a, ok := c.Flag("config"); ok {
		p = a.Value
	} else if c.Source == SourceConfig {
		p = c.Path
	}
	if p == "" {
		return
	}
	c.Config = readDoc(n, p)
	if c.Config.Err != nil {
		skip(p, c.Config.Err.Error())
	}
}

// loadDocs reads the files named by the API server's flags.
func loadDocs(n *host.Node, c *ComponentConfig, skip func(p, reason string)) {
	c.Docs = map[string]*Doc{}
	for _, flag := range docFlags {
		a, ok := c.Flag(flag)
		if !ok || a.Value == "" {
			continue
		}
		d := readDoc(n, c.HostPath(a.Value))
		c.Docs[flag] = d
		if d.Err != nil {
			skip(d.Path, d.Err.Error())
		}
	}
	if d := c.Docs["authorization-config"]; d != nil && d.Root != nil {
		for i, a := range d.Root.get("authorizers").items() {
			kc := a.path("webhook.connectionInfo.kubeConfigFile").str()
			if kc == "" {
				continue
			}
			kd := readDoc(n, c.HostPath(kc))
			c.Docs[fmt.Sprintf("authorization-config/authorizers[%d]", i)] = kd
			if kd.Err != nil {
				skip(kd.Path, kd.Err.Error())
			}
		}
	}
}

// readDoc reads and decodes a YAML or JSON file of the node.
func readDoc(n *host.Node, p string) *Doc {
	d := &Doc{Path: p}
	data, err := n.ReadFile(p, maxConfigSize)
	if err != nil {
		d.Err = fmt.Errorf("reading %s: %w", p, unwrapPath(err))
		return d
	}
	root, err := decodeYAML(data)
	if err != nil {
		d.Err = fmt.Errorf("decoding %s: %w", p, err)
		return d
	}
	d.Root = root
	return d
}

// unwrapPath drops the path an fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// maxPKIEntries bounds the walk of a PKI directory.
const maxPKIEntries = 10_000

// statFiles records the files the file rules inspect for c.
func statFiles(n *host.Node, c *ComponentConfig, skip func(p, reason string)) {
	c.Files = map[string]FileStat{}
	record := func(p string) {
		if _, done := c.Files[p]; done {
			return
		}
		st := FileStat{Path: p}
		fi, err := n.Stat(p)
		switch {
		case err == nil:
			st.Exists, st.Info, st.Owner = true, fi, n.OwnerString(fi)
		case errors.Is(err, fs.ErrNotExist):
		default:
			st.Err = err
			skip(p, unwrapPath(err).Error())
		}
		c.Files[p] = st
	}
	for _, r := range Rules() {
		if (r.Op != FileModeAtMost && r.Op != FileOwnedBy) || !hasComponent(r.Components, c.Component) {
			continue
		}
		for _, p := range r.FilePaths(c) {
			if p != r.Files.Dir {
				record(p)
				continue
			}
			count := 0
			_ = n.Walk(p, func(np string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if count++; count > maxPKIEntries {
					return fs.SkipAll
				}
				record(np)
				return nil
			})
		}
	}
}
