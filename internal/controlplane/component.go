package controlplane

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/host"
)

// Component is a Kubernetes component whose configuration the checks read.
type Component string

// The components, named like their binaries.
const (
	APIServer         Component = "kube-apiserver"
	ControllerManager Component = "kube-controller-manager"
	Scheduler         Component = "kube-scheduler"
	Etcd              Component = "etcd"
	Kubelet           Component = "kubelet"
	// ControlPlaneNode stands for the files of a control-plane node that
	// belong to no single component (admin.conf, the PKI directory).
	ControlPlaneNode Component = "control-plane-node"
)

// components lists the components in the order they are reported.
var components = []Component{APIServer, ControllerManager, Scheduler, Etcd, Kubelet, ControlPlaneNode}

// Source says where a component's configuration was read.
type Source string

// The sources of a configuration.
const (
	SourceStaticPod Source = "static pod manifest"
	SourceProcess   Source = "process command line"
	SourceSystemd   Source = "systemd unit"
	SourceConfig    Source = "config file"
	SourceKubeadm   Source = "kubeadm ClusterConfiguration"
	SourceFiles     Source = "node files"
)

// Arg is one command-line flag of a component.
type Arg struct {
	// Name is the flag without dashes, e.g. "anonymous-auth".
	Name string
	// Value is the flag's value; a boolean flag given alone is "true".
	Value string
	// Path and Line say where the flag was written (a manifest, a unit
	// file, /proc/<pid>/cmdline). Line is 0 when unknown.
	Path string
	Line int
}

// Doc is a YAML or JSON file a component reads (its config file, the
// encryption configuration, a webhook kubeconfig), decoded with positions.
type Doc struct {
	Path string
	// Root is the decoded document, nil when Err is set.
	Root *yamlNode
	// Err says why the file could not be read or decoded.
	Err error
}

// FileStat is what the node says about a file a rule inspects.
type FileStat struct {
	Path   string
	Exists bool
	Info   host.FileInfo
	// Owner is "user:group" with the node's own names.
	Owner string
	// Err is set when the file exists but cannot be inspected.
	Err error
}

// ComponentConfig is the effective configuration of one component on one
// node: its flags (from a static pod's command and args, a process's
// command line, or systemd units), merged with the config files they name.
// Checks are pure functions of it.
type ComponentConfig struct {
	Component Component
	Source    Source
	// Path is where the flags were read: the manifest, /proc/<pid>/cmdline,
	// the unit file, or "kube-system/kubeadm-config".
	Path string
	// Node names the node (or cluster) the component runs on.
	Node string
	// Version is the Kubernetes version when known, e.g. "v1.30.2".
	Version string
	// Args are the flags in the order given; the last of a name wins.
	Args []Arg
	// ArgsLine is the line where the flags start (a static pod's command:),
	// reported for settings that are not set at all.
	ArgsLine int
	// Config is the component's config file (the kubelet's --config), if
	// any. Flags override it.
	Config *Doc
	// Docs are the other files named by flags, decoded, by flag name
	// ("encryption-provider-config", "authentication-config", …).
	Docs map[string]*Doc
	// Files are the node files the file rules inspect, by node path.
	Files map[string]FileStat
	// HasEtcdUser reports whether the node's /etc/passwd has an etcd user.
	HasEtcdUser bool
	// Platform is the Kubernetes distribution detected on the node.
	Platform Platform
	// Mounts maps container paths to node paths (a static pod's hostPath
	// volumes), so that a path in a flag can be found on the node.
	Mounts map[string]string
}

// HostPath returns the node path of a path the component sees: a static
// pod's container path is translated through its hostPath mounts (the
// longest mount wins); a process on the node sees node paths.
func (c *ComponentConfig) HostPath(p string) string {
	best := ""
	for mount := range c.Mounts {
		if (p == mount || strings.HasPrefix(p, strings.TrimSuffix(mount, "/")+"/")) && len(mount) > len(best) {
			best = mount
		}
	}
	if best == "" {
		return p
	}
	return c.Mounts[best] + strings.TrimPrefix(p, best)
}

// Flag returns the last flag of that name.
func (c *ComponentConfig) Flag(name string) (Arg, bool) {
	for i := len(c.Args) - 1; i >= 0; i-- {
		if c.Args[i].Name == name {
			return c.Args[i], true
		}
	}
	return Arg{}, false
}

// Setting is a configuration value and where it came from.
type Setting struct {
	Value string
	// Set is false when neither a flag nor the config file sets it; Value
	// is then the component's default.
	Set bool
	// Name is how the setting is spelled where it was found: "--read-only-port"
	// or "readOnlyPort".
	Name string
	Path string
	Line int
}

// Lookup returns a setting from the flag or, when the flag is absent, from
// the config file's key (dotted path, e.g. "authentication.anonymous.enabled").
// When neither sets it, the default applies: configDefault when a config
// file is in use and has a default of its own, else flagDefault.
func (c *ComponentConfig) Lookup(flag, key, flagDefault, configDefault string) Setting {
	if flag != "" {
		if a, ok := c.Flag(flag); ok {
			return Setting{Value: a.Value, Set: true, Name: "--" + flag, Path: a.Path, Line: a.Line}
		}
	}
	if flag == "authorization-mode" && c.Component == APIServer {
		if s, ok := c.structuredAuthorizers(); ok {
			return s
		}
	}
	if key != "" && c.Config != nil && c.Config.Root != nil {
		if v, line, ok := c.Config.Root.lookup(key); ok {
			return Setting{Value: v, Set: true, Name: key, Path: c.Config.Path, Line: line}
		}
	}
	s := Setting{Value: flagDefault, Name: "--" + flag, Path: c.Path, Line: c.ArgsLine}
	if flag == "" {
		s.Name = key
	}
	if key != "" && c.Config != nil && c.Config.Root != nil {
		s.Name, s.Path, s.Line = key, c.Config.Path, 0
		if configDefault != "" {
			s.Value = configDefault
		}
	}
	return s
}

// structuredAuthorizers reads the authorizer types of the API server's
// AuthorizationConfiguration (--authorization-config), which replaces
// --authorization-mode, as if they were that flag's value.
func (c *ComponentConfig) structuredAuthorizers() (Setting, bool) {
	d := c.Docs["authorization-config"]
	if d == nil || d.Root == nil {
		return Setting{}, false
	}
	var types []string
	for _, a := range d.Root.get("authorizers").items() {
		types = append(types, a.get("type").str())
	}
	return Setting{Value: strings.Join(types, ","), Set: true, Name: "authorizers", Path: d.Path, Line: d.Root.keyLine("authorizers")}, true
}

// where renders a setting's name for messages: "--anonymous-auth" or
// "authentication.anonymous.enabled".
func (s Setting) where() string { return s.Name }

// hasComponent reports whether c is one of cs.
func hasComponent(cs []Component, c Component) bool { return slices.Contains(cs, c) }

// listValue splits a comma-separated flag value into trimmed items.
func listValue(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// modeString renders permission bits like stat(1): 0644.
func modeString(m fs.FileMode) string { return fmt.Sprintf("%04o", uint32(m.Perm())) }
