// Package config reads fourc.yaml: project defaults for the command-line
// flags and settings for the scanners. Flags given on the command line
// always win over the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is the config file looked up in the current directory when
// --config is not given.
const DefaultFile = "fourc.yaml"

// Config is the content of fourc.yaml. Every field is optional.
type Config struct {
	// Format, Severity, FailOn, IgnoreFile and Exclude are defaults for the
	// flags of the same names.
	Format     string   `yaml:"format"`
	Severity   string   `yaml:"severity"`
	FailOn     string   `yaml:"fail-on"`
	IgnoreFile string   `yaml:"ignore-file"`
	Exclude    []string `yaml:"exclude"`
	Offline    bool     `yaml:"offline"`
	// Scanners limits `fourc scan` to these scanners (--scanners).
	Scanners []string `yaml:"scanners"`

	Secrets    Secrets    `yaml:"secrets"`
	Dockerfile Dockerfile `yaml:"dockerfile"`
	Kubernetes Kubernetes `yaml:"kubernetes"`
	Posture    Posture    `yaml:"posture"`
	// Sort is the default finding order: "priority" or "severity".
	Sort string `yaml:"sort"`
	// Baseline is a previous JSON report to compare with.
	Baseline string `yaml:"baseline"`
	// FailOnNew fails the run on new findings at this severity or higher.
	FailOnNew string `yaml:"fail-on-new"`
	// FailOnSkipped fails the run when an input was skipped
	// (--fail-on-skipped).
	FailOnSkipped bool `yaml:"fail-on-skipped"`
	// IgnorePolicy is "strict" to refuse wildcard IDs in the repository's
	// ignore file (--ignore-policy).
	IgnorePolicy string `yaml:"ignore-policy"`
	// Limits are the budgets for untrusted input; see docs/limits.md.
	Limits Limits `yaml:"limits"`
}

// Posture configures the cross-layer analysis.
type Posture struct {
	// Rules are the user's attack-path rules (CEL or declarative); see
	// docs/posture.md. They are compiled by the posture package.
	Rules []yaml.Node `yaml:"rules"`
}

// Secrets configures the secret scanner.
type Secrets struct {
	// DisabledRules lists rule IDs to turn off.
	DisabledRules []string `yaml:"disabled-rules"`
	// GitleaksConfig is a path to a Gitleaks TOML config to load as well.
	GitleaksConfig string `yaml:"gitleaks-config"`
	// Rules are extra rules; see docs/configuration.md.
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
	// sandboxed runtime class, as "key=value".
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
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(name, data)
}

// Parse parses a config file's content; unknown keys are errors so that
// typos do not silently do nothing.
func Parse(name string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config file %q: %w", name, err)
	}
	return &c, nil
}
