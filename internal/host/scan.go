package host

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// ScannerName names this package in skipped entries.
const ScannerName = "host"

// FactFunc receives facts a scan learns about the node that are not
// findings, such as ("platform", "kubeadm").
type FactFunc func(key, value string)

// Suite is a set of checks over a node provided by another package (the
// CIS control-plane and kubelet checks of internal/controlplane, say). It
// reads the node only through the Node it is given.
type Suite interface {
	// Name is a short, stable name such as "controlplane".
	Name() string
	// Checks is the suite's catalogue.
	Checks() []check.Meta
	// Scan runs the suite's checks over the node. An input it cannot use
	// goes into the skipped list with a one-line reason.
	Scan(ctx context.Context, n *Node, facts FactFunc) ([]finding.Finding, []finding.Skipped)
}

// Options tune a host scan. The zero value runs the built-in OS checks.
type Options struct {
	// Suites run after the OS checks, e.g. controlplane.NewSuite(...).
	Suites []Suite
	// Checks are further OS checks over the node from other packages,
	// run like this package's own (see [Checks] for how their violations
	// are read).
	Checks []check.Check[*Node]
	// Facts, when set, receives facts about the node: "node", "os",
	// "immutable-os" (why the root is immutable, when it is), "kernel"
	// (the newest installed release and its support, or why it is
	// unknown) and "runtime-handlers" (containerd and CRI-O handlers, the
	// names RuntimeClass objects may use).
	Facts FactFunc
	// Now is the day dates are compared with (kernel end of life); zero
	// means the current time.
	Now time.Time
}

// ScanNode runs the OS checks and every suite over n.
func ScanNode(ctx context.Context, n *Node, opts Options) ([]finding.Finding, []finding.Skipped) {
	n.StopWhen(ctx.Err)
	facts := opts.Facts
	if facts == nil {
		facts = func(string, string) {}
	}
	host := Hostname(n)
	facts("node", host)
	if id := n.OSRelease()["PRETTY_NAME"]; id != "" {
		facts("os", id)
	}
	if !opts.Now.IsZero() {
		n.SetNow(opts.Now)
	}
	var out []finding.Finding
	var skipped []finding.Skipped
	if why := Immutable(n); why != "" {
		facts("immutable-os", why)
	}
	facts("kernel", kernelFact(n))
	rh := ReadRuntimeHandlers(n)
	if s := rh.String(); s != "" {
		facts("runtime-handlers", s)
	}
	for _, e := range rh.Errors {
		skipped = append(skipped, finding.Skipped{Path: n.Name(), Scanner: ScannerName, Reason: e})
	}
	for _, c := range append(osChecks(), opts.Checks...) {
		if ctx.Err() != nil {
			break
		}
		out = append(out, Evaluate(c, n, host)...)
	}
	if _, err := n.Processes(); err != nil {
		skipped = append(skipped, finding.Skipped{Path: "/proc", Scanner: ScannerName, Reason: err.Error()})
	}
	for _, s := range opts.Suites {
		if ctx.Err() != nil {
			skipped = append(skipped, finding.Skipped{Path: n.Name(), Scanner: s.Name(), Reason: "scan interrupted: " + ctx.Err().Error()})
			break
		}
		f, sk := s.Scan(ctx, n, facts)
		out = append(out, f...)
		skipped = append(skipped, sk...)
	}
	finding.Sort(out)
	slices.SortFunc(skipped, func(a, b finding.Skipped) int {
		return strings.Compare(a.Path+"\x00"+a.Scanner+"\x00"+a.Reason, b.Path+"\x00"+b.Scanner+"\x00"+b.Reason)
	})
	return out, skipped
}

// Evaluate runs one node check and turns its violations into findings on
// the node named host. A node check's Violation.Field is the absolute node
// path of the file at fault (it becomes the finding's location), or empty
// when the problem is the node as a whole.
func Evaluate(c check.Check[*Node], n *Node, host string) []finding.Finding {
	var out []finding.Finding
	for _, v := range c.Eval(n) {
		loc := finding.Location{}
		if strings.HasPrefix(v.Field, "/") {
			loc.Path = v.Field
		} else if v.Field != "" {
			loc.Object = v.Field
		}
		out = append(out, c.Meta.Finding(finding.Resource{Kind: "Node", Name: host}, loc, v))
	}
	return out
}

// Hostname returns the node's host name from /etc/hostname, or the name of
// its root when the file is missing.
func Hostname(n *Node) string {
	if data, err := n.ReadFile("/etc/hostname", 4096); err == nil {
		if h := strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0]); h != "" {
			return h
		}
	}
	return path.Clean(n.Name())
}

// Checks returns the catalogue of the built-in OS checks.
func Checks() []check.Meta { return check.Metas(osChecks()) }

// osChecks lists every built-in OS check, explicitly.
func osChecks() []check.Check[*Node] {
	return []check.Check[*Node]{
		checkSSHRootLogin(),
		checkSSHPasswordAuth(),
		checkShadowPermissions(),
		checkUnattendedUpgrades(),
		checkRuntimeSocket(),
		checkWorldWritable(),
		checkSysctl(),
		checkKernelModules(),
		checkImmutableOS(),
		checkKernelEOL(),
		checkSSHKbdInteractive(),
		checkMAC(),
	}
}

// meta fills in the layer every OS check shares.
func meta(id, title string, sev finding.Severity, description, remediation string, refs ...finding.Reference) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCloud,
		description,
		remediation,
		refs...,
	)
}

func ref(source string) finding.Reference { return finding.Reference{Source: source} }

func modeString(fi FileInfo) string { return fmt.Sprintf("%04o", uint32(fi.Perm())) }
