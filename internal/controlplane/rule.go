package controlplane

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Op is how a rule judges a setting or a file.
type Op int

// The operations of rules.
const (
	// MustEqual: the setting must equal Want (booleans compare as
	// booleans, so "True" equals "true").
	MustEqual Op = iota + 1
	// MustNotEqual: the setting must not equal Want.
	MustNotEqual
	// MustBeSet: the setting (and every flag in With) must be set and
	// not empty.
	MustBeSet
	// MustNotBeSet: the setting must be absent.
	MustNotBeSet
	// MustInclude: the comma-separated setting must include Want.
	MustInclude
	// MustExclude: the comma-separated setting must not include Want.
	MustExclude
	// MustBeAtLeast: the setting must be an integer no less than Want.
	MustBeAtLeast
	// MustBeSubsetOf: the comma-separated setting must be set and hold
	// only items of the comma-separated Want.
	MustBeSubsetOf
	// FileModeAtMost: the files must grant no permission that the octal
	// mode Want does not.
	FileModeAtMost
	// FileOwnedBy: the files must be owned by Want ("root:root").
	FileOwnedBy
)

// Files says which node files a file rule inspects.
type Files struct {
	// Paths are fixed node paths; those that exist are inspected.
	Paths []string
	// Manifest inspects the component's own static pod manifest.
	Manifest bool
	// Config inspects the component's config file (the kubelet's).
	Config bool
	// Flag and Key name a flag or config-file key holding the path (the
	// kubelet's --kubeconfig, authentication.x509.clientCAFile); Default
	// applies when neither is set.
	Flag, Key, Default string
	// Dir inspects every entry under a directory whose name ends in
	// Suffix ("" for every file and directory, Dir included).
	Dir, Suffix string
}

// Rule is one recommendation of the benchmark as data: which component,
// which flag or config key (or which files), how to judge it, and how the
// CIS documents number it.
type Rule struct {
	// ID is fourc's stable check ID, FC-CIS-NNN.
	ID string
	// CIS is the recommendation's number in the newest benchmark
	// (LatestBenchmark); empty for fourc's own checks beyond CIS.
	CIS string
	// Since is the first benchmark version with the recommendation ("" for
	// every version fourc knows).
	Since string
	// Numbers gives the number in older benchmark versions that numbered
	// it differently, by benchmark name.
	Numbers map[string]string
	// Components are the components the rule applies to.
	Components []Component
	Severity   finding.Severity
	Title      string
	// Description explains the risk; Remediation says how to fix it.
	Description, Remediation string

	// Flag is the command-line flag without dashes; Key the equivalent
	// config-file key (the kubelet's KubeletConfiguration), if any.
	Flag, Key string
	// Default is the component's value when the flag is unset;
	// ConfigDefault the value when a config file is in use and the key is
	// unset (KubeletConfiguration v1beta1 has safer defaults than flags).
	Default, ConfigDefault string
	Op                     Op
	Want                   string
	// With are further flags that must be set with Flag (MustBeSet): a
	// certificate's key; WithKeys their config-file keys.
	With, WithKeys []string
	// Files are the files a FileModeAtMost or FileOwnedBy rule inspects.
	Files Files
	// Eval, when set, replaces the data-driven judgement (for checks that
	// read a file's contents, such as the encryption providers).
	Eval func(*ComponentConfig) []check.Violation
	// Refs are references beyond CIS.
	Refs []finding.Reference
}

// Number returns the rule's CIS number in a benchmark version, or "" when
// that version has no such recommendation.
func (r Rule) Number(bench string) string {
	if r.CIS == "" || !r.AppliesTo(bench) {
		return ""
	}
	if n, ok := r.Numbers[bench]; ok {
		return n
	}
	return r.CIS
}

// AppliesTo reports whether the benchmark version has the recommendation.
// fourc's own rules (no CIS number) apply to every version.
func (r Rule) AppliesTo(bench string) bool {
	if r.Since == "" || r.CIS == "" {
		return true
	}
	return benchmarkIndex(bench) >= benchmarkIndex(r.Since)
}

// references lists the CIS numbers per benchmark version, grouping
// consecutive versions that share a number, then r.Refs.
func (r Rule) references() []finding.Reference {
	var out []finding.Reference
	if r.CIS != "" {
		bs := Benchmarks()
		for i := 0; i < len(bs); {
			num := r.Number(bs[i].Name)
			j := i
			for j+1 < len(bs) && r.Number(bs[j+1].Name) == num {
				j++
			}
			if num != "" {
				span := bs[i].Title
				if j > i {
					span += "–" + bs[j].Title
				}
				out = append(out, cisRef(span, num))
			}
			i = j + 1
		}
		slices.Reverse(out) // newest first
	}
	return append(out, r.Refs...)
}

// cisRef is a reference to a numbered CIS recommendation.
func cisRef(versions, number string) finding.Reference {
	return finding.Reference{
		Source: fmt.Sprintf("CIS Kubernetes Benchmark %s %s", versions, number),
		URL:    "https://www.cisecurity.org/benchmark/kubernetes",
	}
}

// Meta is the rule's check metadata.
func (r Rule) Meta() check.Meta {
	return check.New(
		r.ID,
		r.Title,
		r.Severity,
		finding.LayerCluster,
		r.Description,
		r.Remediation,
		r.references()...,
	)
}

// Check returns the rule as a check over a component's configuration. A
// configuration of another component yields nothing.
func (r Rule) Check() check.Check[*ComponentConfig] {
	return check.Check[*ComponentConfig]{Meta: r.Meta(), Eval: r.evaluate}
}

func (r Rule) evaluate(c *ComponentConfig) []check.Violation {
	if c == nil || !hasComponent(r.Components, c.Component) {
		return nil
	}
	if r.Eval != nil {
		return r.Eval(c)
	}
	switch r.Op {
	case FileModeAtMost, FileOwnedBy:
		return r.evalFiles(c)
	}
	s := c.Lookup(r.Flag, r.Key, r.Default, r.ConfigDefault)
	msg := r.judge(c, s)
	if msg == "" {
		return nil
	}
	return []check.Violation{{Message: fmt.Sprintf("%s %s", c.Component, msg), Field: s.Name, Line: s.Line}}
}

// judge returns what is wrong with a setting, or "".
func (r Rule) judge(c *ComponentConfig, s Setting) string {
	now := func() string {
		if !s.Set {
			if s.Value == "" {
				return "it is unset"
			}
			return fmt.Sprintf("it is unset, and the default is %q", s.Value)
		}
		return fmt.Sprintf("it is %q", s.Value)
	}
	want := func(v string) string {
		if strings.HasPrefix(s.Name, "--") {
			return s.Name + "=" + v
		}
		return s.Name + ": " + v
	}
	switch r.Op {
	case MustEqual:
		if !sameValue(s.Value, r.Want) {
			return fmt.Sprintf("must set %s (%s)", want(r.Want), now())
		}
	case MustNotEqual:
		if sameValue(s.Value, r.Want) {
			return fmt.Sprintf("must not set %s (%s)", want(r.Want), now())
		}
	case MustBeSet:
		return r.judgeSet(c, s)
	case MustNotBeSet:
		if s.Set {
			return fmt.Sprintf("must not set %s (%s)", s.where(), now())
		}
	case MustInclude:
		if !slices.ContainsFunc(listValue(s.Value), func(v string) bool { return strings.EqualFold(v, r.Want) }) {
			return fmt.Sprintf("must include %s in %s (%s)", r.Want, s.where(), now())
		}
	case MustExclude:
		if slices.ContainsFunc(listValue(s.Value), func(v string) bool { return strings.EqualFold(v, r.Want) }) {
			return fmt.Sprintf("must not include %s in %s (%s)", r.Want, s.where(), now())
		}
	case MustBeAtLeast:
		want, _ := strconv.Atoi(r.Want)
		got, err := strconv.Atoi(strings.TrimSpace(s.Value))
		if err != nil || got < want {
			return fmt.Sprintf("must set %s to %d or more (%s)", s.where(), want, now())
		}
	case MustBeSubsetOf:
		if !s.Set {
			return fmt.Sprintf("must set %s to strong values only (%s, so the defaults apply)", s.where(), now())
		}
		return r.judgeSubset(s)
	}
	return ""
}

// judgeSet judges MustBeSet: the setting and every one of r.With must be
// set and not blank.
func (r Rule) judgeSet(c *ComponentConfig, s Setting) string {
	var missing []string
	if !s.Set || strings.TrimSpace(s.Value) == "" {
		missing = append(missing, s.where())
	}
	for i, f := range r.With {
		key := ""
		if i < len(r.WithKeys) {
			key = r.WithKeys[i]
		}
		if o := c.Lookup(f, key, "", ""); !o.Set || strings.TrimSpace(o.Value) == "" {
			missing = append(missing, o.where())
		}
	}
	if len(missing) > 0 {
		return "must set " + strings.Join(missing, " and ")
	}
	return ""
}

// judgeSubset judges a set MustBeSubsetOf setting: every item must be one
// of r.Want's.
func (r Rule) judgeSubset(s Setting) string {
	allowed := listValue(r.Want)
	var bad []string
	for _, v := range listValue(s.Value) {
		if !slices.Contains(allowed, v) {
			bad = append(bad, v)
		}
	}
	if len(bad) > 0 {
		return fmt.Sprintf("must not allow %s in %s", strings.Join(bad, ", "), s.where())
	}
	return ""
}

// sameValue compares two setting values: as booleans when both are, else
// as strings without surrounding space.
func sameValue(a, b string) bool {
	ab, aok := boolValue(a)
	bb, bok := boolValue(b)
	if aok && bok {
		return ab == bb
	}
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}

// FilePaths returns the node paths a file rule inspects for c (before the
// node is read): fixed paths, the manifest, a path named by a flag or
// config key, or a directory.
func (r Rule) FilePaths(c *ComponentConfig) []string {
	f := r.Files
	var out []string
	out = append(out, f.Paths...)
	if f.Manifest && c.Source == SourceStaticPod {
		out = append(out, c.Path)
	}
	if f.Config && c.Config != nil {
		out = append(out, c.Config.Path)
	}
	if f.Flag != "" || f.Key != "" {
		s := c.Lookup(f.Flag, f.Key, f.Default, "")
		if s.Value != "" {
			out = append(out, c.HostPath(s.Value))
		}
	}
	if f.Dir != "" {
		out = append(out, f.Dir)
	}
	return out
}

// evalFiles judges the files of a file rule that exist on the node.
func (r Rule) evalFiles(c *ComponentConfig) []check.Violation {
	var targets []FileStat
	for _, p := range r.FilePaths(c) {
		if p == r.Files.Dir {
			continue
		}
		if st, ok := c.Files[p]; ok && st.Exists {
			targets = append(targets, st)
		}
	}
	if r.Files.Dir != "" {
		var keys []string
		for p := range c.Files {
			if (p == r.Files.Dir && r.Files.Suffix == "") || (strings.HasPrefix(p, r.Files.Dir+"/") && strings.HasSuffix(p, r.Files.Suffix)) {
				keys = append(keys, p)
			}
		}
		slices.Sort(keys)
		for _, p := range keys {
			if st := c.Files[p]; st.Exists {
				targets = append(targets, st)
			}
		}
	}
	var out []check.Violation
	seen := map[string]bool{}
	for _, st := range targets {
		if seen[st.Path] {
			continue
		}
		seen[st.Path] = true
		switch r.Op {
		case FileModeAtMost:
			limit, _ := strconv.ParseUint(r.Want, 8, 32)
			if st.Info.Exceeds(fs.FileMode(limit)) {
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s must have mode %s or stricter, not %s", st.Path, r.Want, modeString(st.Info.Mode)),
					Field:         st.Path,
					Discriminator: st.Path,
				})
			}
		case FileOwnedBy:
			want := r.Want
			if want == "etcd:etcd" && !c.HasEtcdUser {
				want = "root:root" // kubeadm runs etcd as root; there is no etcd user
			}
			if st.Info.HasOwner && st.Owner != want {
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s must be owned by %s, not %s", st.Path, want, st.Owner),
					Field:         st.Path,
					Discriminator: st.Path,
				})
			}
		}
	}
	return out
}
