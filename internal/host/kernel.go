package host

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// kernelEOLData is the end-of-life table of kernel.org's longterm branches,
// with its source and the date it was taken (see the file itself).
//
//go:embed kernel_eol.json
var kernelEOLData []byte

// KernelEOL is the parsed end-of-life table.
type KernelEOL struct {
	Source   string `json:"source"`
	AsOf     string `json:"as-of"`
	Longterm []struct {
		Branch string `json:"branch"`
		EOL    string `json:"eol"`
	} `json:"longterm"`
	Vendor []struct {
		Match string `json:"match"`
		Name  string `json:"name"`
	} `json:"vendor"`
}

// LoadKernelEOL parses the embedded end-of-life table.
func LoadKernelEOL() (*KernelEOL, error) {
	var k KernelEOL
	if err := json.Unmarshal(kernelEOLData, &k); err != nil {
		return nil, fmt.Errorf("parsing kernel_eol.json: %w", err)
	}
	for _, l := range k.Longterm {
		if _, ok := ParseKernelBranch(l.Branch); !ok {
			return nil, fmt.Errorf("kernel_eol.json: branch %q is not MAJOR.MINOR", l.Branch)
		}
		if _, err := time.Parse(time.DateOnly, l.EOL); err != nil {
			return nil, fmt.Errorf("kernel_eol.json: branch %s: %w", l.Branch, err)
		}
	}
	return &k, nil
}

// KernelStatus is what the table says of one kernel release.
type KernelStatus struct {
	// Branch is MAJOR.MINOR of the release.
	Branch string
	// EOL is the branch's end of life, zero when the branch is not a
	// longterm one.
	EOL time.Time
	// Ended is true when the branch no longer gets fixes from kernel.org.
	Ended bool
	// Unknown is set, with a reason, when the table cannot judge the
	// release (a branch newer than the table, a vendor kernel).
	Unknown string
}

// Status judges a kernel release ("6.1.0-18-amd64", "4.18.0-553.el8_10.x86_64")
// on day now: a longterm branch ends on its EOL date; a branch that is not
// longterm and older than the newest longterm branch has ended (stable
// branches get fixes only until the next one is released).
func (k *KernelEOL) Status(release string, now time.Time) KernelStatus {
	br, ok := ParseKernelBranch(release)
	if !ok {
		return KernelStatus{Unknown: fmt.Sprintf("kernel release %q has no MAJOR.MINOR version", release)}
	}
	st := KernelStatus{Branch: fmt.Sprintf("%d.%d", br[0], br[1])}
	for _, v := range k.Vendor {
		if strings.Contains(release, v.Match) {
			st.Unknown = fmt.Sprintf("kernel %s is a %s kernel, maintained by its vendor past kernel.org's end of life for %s", release, v.Name, st.Branch)
			return st
		}
	}
	var newest [2]int
	for _, l := range k.Longterm {
		lb, _ := ParseKernelBranch(l.Branch)
		if cmpBranch(lb, newest) > 0 {
			newest = lb
		}
		if lb == br {
			st.EOL, _ = time.Parse(time.DateOnly, l.EOL)
			st.Ended = !now.Before(st.EOL.AddDate(0, 0, 1))
			return st
		}
	}
	if cmpBranch(br, newest) > 0 {
		st.Unknown = fmt.Sprintf("kernel %s is newer than the newest longterm branch %d.%d of the end-of-life data (as of %s)", st.Branch, newest[0], newest[1], k.AsOf)
		return st
	}
	st.Ended = true
	return st
}

func cmpBranch(a, b [2]int) int {
	if a[0] != b[0] {
		return a[0] - b[0]
	}
	return a[1] - b[1]
}

// ParseKernelBranch reads MAJOR.MINOR from the start of a kernel release
// string.
func ParseKernelBranch(release string) ([2]int, bool) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return [2]int{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minorStr := parts[1]
	if i := strings.IndexFunc(minorStr, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorStr = minorStr[:i]
	}
	minor, err2 := strconv.Atoi(minorStr)
	if err1 != nil || err2 != nil || major < 1 || major > 99 || minor < 0 || minor > 999 {
		return [2]int{}, false
	}
	return [2]int{major, minor}, true
}

// Kernel is one kernel release installed on the node and where it was
// seen.
type Kernel struct {
	Release string
	Path    string
}

// Kernels lists the kernel releases installed in the root file system,
// from /boot/vmlinuz-*, /boot/config-*, /lib/modules/* and
// /usr/lib/modules/*, sorted newest first (by branch, then name) without
// duplicates.
func Kernels(n *Node) []Kernel {
	seen := map[string]bool{}
	var out []Kernel
	add := func(rel, p string) {
		if _, ok := ParseKernelBranch(rel); !ok || seen[rel] {
			return
		}
		seen[rel] = true
		out = append(out, Kernel{Release: rel, Path: p})
	}
	for _, pat := range []string{"/boot/vmlinuz-*", "/boot/config-*"} {
		files, _ := n.Glob(pat)
		for _, f := range files {
			_, rel, _ := strings.Cut(path.Base(f), "-")
			add(rel, f)
		}
	}
	for _, dir := range []string{"/lib/modules", "/usr/lib/modules"} {
		entries, _ := n.ReadDir(dir)
		for _, e := range entries {
			add(e.Name(), path.Join(dir, e.Name()))
		}
	}
	slices.SortFunc(out, func(a, b Kernel) int {
		ab, _ := ParseKernelBranch(a.Release)
		bb, _ := ParseKernelBranch(b.Release)
		if c := cmpBranch(bb, ab); c != 0 {
			return c
		}
		return strings.Compare(b.Release, a.Release)
	})
	return out
}
