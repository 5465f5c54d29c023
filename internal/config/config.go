// Package config reads fourc.yaml: defaults for the command-line flags and
// settings for the scanners. A top-level key named like a flag of a
// scanning command (format, severity, exclude, db, vex, history, …) is
// that flag's default; flags given on the command line always win. The
// sections secrets, dockerfile, kubernetes, posture and limits configure
// the scanners. Unknown keys are errors naming the file and the line, at
// every level. docs/configuration.md lists every key; it is generated
// from the commands' flags and this package's sections.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/strictyaml"
)

// DefaultFile is the config file looked up in the current directory when
// --config is not given.
const DefaultFile = "fourc.yaml"

// Config is the content of fourc.yaml. Every part is optional.
type Config struct {
	// Name is the file the config was read from, for errors.
	Name string
	// Flags are the top-level keys that are not sections, in file order:
	// defaults for the flag of the same name (see ApplyFlags).
	Flags []Flag

	Secrets    Secrets
	Dockerfile Dockerfile
	Kubernetes Kubernetes
	Posture    Posture
	IaC        IaC
	Audit      Audit
	Admission  Admission
	// Limits are the budgets for untrusted input; see docs/limits.md.
	Limits Limits
}

// Flag is a top-level key and its value, as written.
type Flag struct {
	Key string
	// Line is the key's line in the file.
	Line  int
	Value *yaml.Node
}

// sections are the top-level keys that configure scanners rather than set
// a flag, with the Config field each decodes into.
type sections struct {
	Secrets    Secrets    `yaml:"secrets"`
	Dockerfile Dockerfile `yaml:"dockerfile"`
	Kubernetes Kubernetes `yaml:"kubernetes"`
	Posture    Posture    `yaml:"posture"`
	IaC        IaC        `yaml:"iac"`
	Audit      Audit      `yaml:"audit"`
	Admission  Admission  `yaml:"admission"`
	Limits     Limits     `yaml:"limits"`
}

// Sections returns the names of the top-level sections.
func Sections() []string {
	names := make([]string, 0, 5)
	for k := range strictyaml.Fields(reflect.TypeFor[sections]()) {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// IaC configures the Cloud layer's infrastructure-as-code checks.
type IaC struct {
	// Rules are the user's cloud rules (a CEL condition over one resource;
	// see docs/iac-rules.md). They are decoded and compiled by the iac
	// package, which names the line of a mistake.
	Rules []yaml.Node `yaml:"rules"`
}

// Audit configures `fourc k8s audit`, the Kubernetes audit-log checks.
type Audit struct {
	// Rules are the user's audit rules (a CEL condition over one audit
	// event; see docs/runtime.md). They are decoded and compiled by the
	// audit package, which names the line of a mistake.
	Rules []yaml.Node `yaml:"rules"`
	// TrustedNetworks are the CIDRs service accounts may send requests
	// from (FC-RT-008); the --trusted-networks flag adds to them.
	TrustedNetworks []string `yaml:"trusted-networks"`
}

// Admission configures `fourc k8s admission serve`, the admission
// webhook, whose policy file is a fourc.yaml (see docs/admission.md). The
// admission package checks the values and names the line of a mistake.
type Admission struct {
	// Mode is the default mode: enforce, warn, audit or off.
	Mode string `yaml:"mode"`
	// Namespaces map a namespace name or glob to its mode.
	Namespaces map[string]string `yaml:"namespaces"`
	// Checks narrow the checks the webhook applies.
	Checks AdmissionChecks `yaml:"checks"`
	// Exemptions are ignore entries (a check ID and a resource glob, an
	// optional expiry).
	Exemptions []yaml.Node `yaml:"exemptions"`
	// Node is the section as written, for errors that name a key's line.
	Node *yaml.Node `yaml:"-"`
}

// AdmissionChecks are the check ID patterns the webhook applies (Only,
// when set) and never applies (Never).
type AdmissionChecks struct {
	Only  []string `yaml:"only"`
	Never []string `yaml:"never"`
}

// Posture configures the cross-layer analysis.
type Posture struct {
	// Rules are the user's attack-path rules (CEL or declarative); see
	// docs/posture.md. They are decoded and compiled by the posture
	// package, which names the line of a mistake.
	Rules []yaml.Node `yaml:"rules"`
}

// Secrets configures the secret scanner.
type Secrets struct {
	// DisabledRules lists rule IDs to turn off.
	DisabledRules []string `yaml:"disabled-rules"`
	// GitleaksConfig is a path to a Gitleaks TOML config to load as well.
	GitleaksConfig string `yaml:"gitleaks-config"`
	// Rules are extra rules (secret.RuleConfig, decoded strictly by the
	// command); see docs/configuration.md.
	Rules []yaml.Node `yaml:"rules"`
}

// Dockerfile configures the Dockerfile checks.
type Dockerfile struct {
	// AllowedRegistries, when set, is the list of registries base images
	// may come from (e.g. "docker.io", "ghcr.io/acme").
	AllowedRegistries []string `yaml:"allowed-registries"`
}

// Kubernetes configures the cluster checks.
type Kubernetes struct {
	// UntrustedNamespaceLabel marks namespaces whose workloads must use a
	// sandboxed runtime class: "key=value", or a bare key meaning
	// "key=true".
	UntrustedNamespaceLabel string `yaml:"untrusted-namespace-label"`
	// Version is the Kubernetes version manifests are evaluated for (Pod
	// Security Standards), e.g. "1.29"; empty means the latest.
	Version string `yaml:"version"`
	// Helm gives Helm charts values, by chart directory relative to the
	// scan root ("." for a chart at the root).
	Helm map[string]HelmChart `yaml:"helm"`
}

// HelmChart holds one chart's values, as `helm template` takes them with
// --values and --set. The command line's --values and --set apply after
// these.
type HelmChart struct {
	// Values are values files, relative to the scan root and inside it;
	// a later file wins.
	Values []string `yaml:"values"`
	// Set are --set expressions ("image.tag=1.2,debug=true"), applied
	// after Values.
	Set []string `yaml:"set"`
}

// Load reads a config file. When required is false a missing file yields
// an empty config.
func Load(name string, required bool) (*Config, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) && !required {
		return &Config{Name: name}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(name, data)
}

// Parse parses a config file's content. Sections are decoded strictly
// here; flag keys are kept as written, to be checked against the commands'
// flags by CheckKeys and applied by ApplyFlags.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{Name: name}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return nil, c.wrap(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, c.Errorf(root.Line, "want a mapping of keys to values")
	}
	var sec sections
	fields := strictyaml.Fields(reflect.TypeFor[sections]())
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if line, dup := seen[k.Value]; dup {
			return nil, c.Errorf(k.Line, "key %q already set at line %d", k.Value, line)
		}
		seen[k.Value] = k.Line
		if _, ok := fields[k.Value]; !ok {
			c.Flags = append(c.Flags, Flag{Key: k.Value, Line: k.Line, Value: v})
			continue
		}
		one := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, v}}
		if err := strictyaml.Decode(one, &sec); err != nil {
			return nil, c.wrap(fmt.Errorf("%s: %w", k.Value, err))
		}
		if k.Value == "admission" {
			sec.Admission.Node = v
		}
	}
	c.Secrets, c.Dockerfile, c.Kubernetes, c.Posture, c.IaC, c.Audit, c.Admission, c.Limits = sec.Secrets, sec.Dockerfile, sec.Kubernetes, sec.Posture, sec.IaC, sec.Audit, sec.Admission, sec.Limits
	return c, nil
}

// CheckKeys fails on the first flag key that names none of the known flags
// (the flags of every command the file configures), with its line and the
// closest known key.
func (c *Config) CheckKeys(known []string) error {
	all := append(slices.Clone(known), Sections()...)
	slices.Sort(all)
	for _, f := range c.Flags {
		if !slices.Contains(known, f.Key) {
			return c.Errorf(f.Line, "unknown key %q%s", f.Key, strictyaml.Hint(f.Key, all))
		}
	}
	return nil
}

// ApplyFlags sets every flag of fs that the command line did not set from
// the key of the same name: a scalar through the flag's own parser, a
// sequence as the whole list of a list flag. Keys fs has no flag for
// belong to other commands and are left alone. Flags set here are not
// marked as changed: code that tells the command line apart (an ignore
// file the user named) still can.
func (c *Config) ApplyFlags(fs *pflag.FlagSet) error {
	for _, kv := range c.Flags {
		f := fs.Lookup(kv.Key)
		if f == nil || f.Changed {
			continue
		}
		if err := setFlag(f, kv.Value); err != nil {
			return c.Errorf(kv.Line, "%s: %v", kv.Key, err)
		}
	}
	return nil
}

func setFlag(f *pflag.Flag, n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			return sv.Replace([]string{n.Value})
		}
		return f.Value.Set(n.Value)
	case yaml.SequenceNode:
		sv, ok := f.Value.(pflag.SliceValue)
		if !ok {
			return fmt.Errorf("takes one %s value, not a list", f.Value.Type())
		}
		items := make([]string, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode {
				return errors.New("a list item must be a single value")
			}
			items = append(items, it.Value)
		}
		return sv.Replace(items)
	}
	return fmt.Errorf("takes a %s value, not a mapping", f.Value.Type())
}

// Errorf returns an error naming the config file and the line.
func (c *Config) Errorf(line int, format string, args ...any) error {
	return fmt.Errorf("config file %q line %d: %s", c.Name, line, fmt.Sprintf(format, args...))
}

// wrap names the config file in an error that already carries its line.
func (c *Config) wrap(err error) error {
	return fmt.Errorf("config file %q: %w", c.Name, err)
}
