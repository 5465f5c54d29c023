package host

// FC-HOST-010 inspects the kernel releases installed in the root file
// system (/boot/vmlinuz-*, /boot/config-*, /lib/modules/*,
// /usr/lib/modules/*) against kernel.org's end-of-life table
// (kernel_eol.json, with its source and date) on the scan's day. A node
// whose newest installed kernel is on a branch kernel.org no longer
// maintains fails. No kernel found, a branch newer than the table, or a
// vendor-maintained kernel (RHEL's .el8, …) pass; the scan reports them as
// the fact "kernel" instead.

import (
	"fmt"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkKernelEOL() check.Check[*Node] {
	eol, err := LoadKernelEOL()
	return check.Check[*Node]{
		Meta: meta("FC-HOST-010", "Node kernel branch is past its end of life", finding.SeverityHigh,
			"Kernel.org stops fixing a branch at its end of life: every later kernel vulnerability, container escapes included, stays open on the node. The kernel is the one boundary all containers of a node share, so fourc rates this HIGH, as it rates an end-of-life image OS (FC-IMG-006) and as Trivy flags end-of-life OS releases. The branch is judged against kernel.org's longterm table kept in kernel_eol.json with its source and date; distribution kernels that carry their own backports past kernel.org's date (RHEL, Amazon Linux, Ubuntu cloud kernels) are not judged. A root file system proves which kernels are installed, not which one booted: the newest installed is judged.",
			"Upgrade the node image to a kernel on a maintained longterm branch (or the distribution's maintained kernel) and reboot into it.",
			ref("CIS Distribution Independent Linux 1.9"), ref("CWE-1104")),
		Eval: func(n *Node) []check.Violation {
			if err != nil {
				return []check.Violation{{Message: err.Error()}}
			}
			ks := Kernels(n)
			if len(ks) == 0 {
				return nil
			}
			k := ks[0]
			st := eol.Status(k.Release, n.Now())
			if !st.Ended || st.Unknown != "" {
				return nil
			}
			msg := fmt.Sprintf("kernel %s is on branch %s, which is not a longterm branch and no longer maintained by kernel.org (end-of-life data as of %s)", k.Release, st.Branch, eol.AsOf)
			if !st.EOL.IsZero() {
				msg = fmt.Sprintf("kernel %s is on longterm branch %s, which reached its end of life on %s", k.Release, st.Branch, st.EOL.Format(time.DateOnly))
			}
			return []check.Violation{{Message: msg, Field: k.Path}}
		},
	}
}

// kernelFact describes the node's kernel for the scan's facts, saying why
// it was not judged when it was not.
func kernelFact(n *Node) string {
	ks := Kernels(n)
	if len(ks) == 0 {
		return "unknown: no /boot/vmlinuz-*, /boot/config-*, /lib/modules/* or /usr/lib/modules/* in the root file system; its end of life was not checked"
	}
	eol, err := LoadKernelEOL()
	if err != nil {
		return ks[0].Release
	}
	st := eol.Status(ks[0].Release, n.Now())
	switch {
	case st.Unknown != "":
		return ks[0].Release + " (" + st.Unknown + "; its end of life was not checked)"
	case st.Ended:
		return ks[0].Release + " (end of life)"
	case !st.EOL.IsZero():
		return fmt.Sprintf("%s (longterm branch %s, maintained until %s)", ks[0].Release, st.Branch, st.EOL.Format(time.DateOnly))
	}
	return ks[0].Release
}
