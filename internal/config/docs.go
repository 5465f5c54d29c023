package config

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Command describes the flag keys of one command, for WriteMarkdown.
type Command struct {
	// Path is the command line, e.g. "fourc scan".
	Path  string
	Short string
	Keys  []Key
}

// Key is one flag key: the flag's name, its value type (as pflag names
// it: string, bool, stringSlice, duration, …), its default and its help.
type Key struct {
	Name, Type, Default, Help string
}

// sectionDocs say what each section configures; its keys come from the
// section's type.
var sectionDocs = map[string]string{
	"secrets":    "the secret scanner: `disabled-rules` (rule IDs or names to turn off), `gitleaks-config` (a Gitleaks TOML file whose rules are added), `rules` (your own rules, below).",
	"dockerfile": "the Dockerfile checks: `allowed-registries` (the registries base images may come from).",
	"kubernetes": "the Kubernetes checks: `untrusted-namespace-label`, `key=value` or a bare key meaning `key=true` (default `fourc.dev/untrusted=true`): workloads in namespaces carrying it must set a sandboxed `runtimeClassName` (FC-K8S-015).",
	"iac":        "the Cloud layer's infrastructure-as-code checks: `rules`, your own rules, a CEL condition over one Terraform, CloudFormation or ARM resource (see [iac-rules.md](iac-rules.md)).",
	"audit":      "`fourc k8s audit`, the Kubernetes audit-log checks: `rules`, your own rules, a CEL condition over one audit event, and `trusted-networks`, the CIDRs service accounts may send requests from (see [runtime.md](runtime.md#kubernetes-audit-logs)).",
	"admission":  "`fourc k8s admission serve`, the admission webhook: `mode` (enforce, warn, audit or off), `namespaces` (a name or glob to its mode), `checks.only` and `checks.never` (check ID patterns) and `exemptions` (ignore entries with an expiry; see [admission.md](admission.md)).",
	"posture":    "the cross-layer analysis: `rules`, your attack-path rules (see [posture.md](posture.md)).",
	"limits":     "the budgets for untrusted input, by name (see [limits.md](limits.md)): " + "`" + strings.Join(LimitNames(), "`, `") + "`.",
}

// WriteMarkdown renders docs/configuration.md: what the file is, its
// sections (secretRuleKeys are the keys of a rule under secrets.rules),
// and for each configured command a table of its keys.
func WriteMarkdown(w io.Writer, cmds []Command, secretRuleKeys []string) error {
	var b strings.Builder
	b.WriteString(`# Configuration: fourc.yaml

<!-- Generated from the commands' flags by ` + "`go test ./internal/cli -run Docs -update`" + `; do not edit. -->

fourc reads ` + "`fourc.yaml`" + ` from the current directory, or the file named with
` + "`--config`" + `. Every flag of the commands below has a key of the same name
that sets its default; a flag given on the command line wins. A list flag
takes a YAML sequence (` + "`exclude: [vendor, \"**/testdata\"]`" + `) or one value.
A key that is no command's flag and no section is an error naming the file and
the line, as is an unknown key inside a section or a rule. The same file
serves every command: each applies the keys of its own flags.

` + "```yaml" + `
format: sarif
output: fourc.sarif
fail-on: high
exclude: [vendor, node_modules]
vex: [vex/openvex.json]
reachable-only: true
secrets:
  disabled-rules: [FC-SEC-020]
  rules:
    - id: FC-SEC-901
      title: Acme API token
      regex: '\b(acme_[a-z0-9]{32})\b'
      entropy: 3.5
kubernetes:
  untrusted-namespace-label: fourc.dev/untrusted=true
limits:
  per-input: 30s
` + "```" + `

## Sections

`)
	for _, s := range Sections() {
		fmt.Fprintf(&b, "- `%s`: %s\n", s, sectionDocs[s])
	}
	b.WriteString("\nA rule under `secrets.rules` takes the keys " + keyList(secretRuleKeys) +
		"; `allowlist` takes `stopwords`, `regexes` and `paths`. Its `id` is one of FC-SEC-901 to FC-SEC-999.\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n| key | type | default | meaning |\n|---|---|---|---|\n", c.Path, strings.TrimSuffix(c.Short, "."))
		for _, k := range c.Keys {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Name, typeName(k.Type), defaultText(k), cell(k.Help))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func keyList(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = "`" + k + "`"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func typeName(t string) string {
	switch t {
	case "stringSlice", "stringArray":
		return "list of strings"
	}
	return t
}

func defaultText(k Key) string {
	switch k.Default {
	case "", "[]", "0s":
		if k.Type == "duration" && k.Default == "0s" {
			return "`0s`"
		}
		return ""
	}
	return "`" + k.Default + "`"
}

// cell keeps a help text inside one Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
