package host

import (
	"maps"
	"path"
	"slices"
	"strings"
)

// SysctlValue is a kernel parameter's value and where it was read: a live
// /proc/sys file, or the configuration line that sets it at boot.
type SysctlValue struct {
	Value string
	Path  string
	Line  int
	// Live is true when the value was read from /proc/sys.
	Live bool
}

// sysctlDirs are systemd-sysctl's directories, highest precedence first: a
// file name in an earlier directory hides the same name in later ones.
var sysctlDirs = []string{"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"}

// Sysctl returns the value of a kernel parameter ("kernel.randomize_va_space"):
// the live value when the root has a /proc/sys (a running node), else the
// value the boot configuration sets, else ok is false.
func Sysctl(n *Node, key string) (v SysctlValue, ok bool) {
	live := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	if n.Exists("/proc/sys/kernel") {
		data, err := n.ReadFile(live, 64<<10)
		if err != nil {
			return SysctlValue{}, false
		}
		return SysctlValue{Value: strings.Join(strings.Fields(string(data)), " "), Path: live, Live: true}, true
	}
	cfg := SysctlConfig(n)
	v, ok = cfg[key]
	return v, ok
}

// SysctlConfig reads the kernel parameters the node sets at boot, in
// systemd-sysctl's order (files sorted by name across the sysctl.d
// directories, /etc/sysctl.conf last; a later assignment wins).
func SysctlConfig(n *Node) map[string]SysctlValue {
	files := append(dropIns(n, sysctlDirs), "/etc/sysctl.conf")
	out := map[string]SysctlValue{}
	for _, f := range files {
		data, err := n.ReadFile(f, 1<<20)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
			k, v, found := strings.Cut(line, "=")
			if !found {
				continue
			}
			k = strings.TrimPrefix(strings.TrimSpace(k), "-")
			k = strings.ReplaceAll(k, "/", ".")
			out[k] = SysctlValue{Value: strings.TrimSpace(v), Path: f, Line: i + 1}
		}
	}
	return out
}

// dropIns returns the *.conf files of a set of drop-in directories in the
// order systemd and kmod read them: sorted by file name across the
// directories, a name in an earlier directory hiding the same name in a
// later one.
func dropIns(n *Node, dirs []string) []string {
	byName := map[string]string{}
	for _, dir := range dirs {
		files, _ := n.Glob(dir + "/*.conf")
		for _, f := range files {
			if _, hidden := byName[path.Base(f)]; !hidden {
				byName[path.Base(f)] = f
			}
		}
	}
	names := slices.Sorted(maps.Keys(byName))
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = byName[name]
	}
	return files
}
