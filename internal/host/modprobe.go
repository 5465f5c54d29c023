package host

import (
	"path"
	"strings"
)

// modprobeDirs are kmod's configuration directories, highest precedence
// first: a file name in an earlier directory hides the same name in later
// ones, and only files ending in .conf are read (modprobe.d(5)).
var modprobeDirs = []string{"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"}

// ModuleRule is how the node's modprobe configuration treats one kernel
// module.
type ModuleRule struct {
	// Install is the command of an "install" line, empty when none.
	Install string
	// Blacklisted is set by a "blacklist" line.
	Blacklisted bool
	// Path and Line locate the line that decided (the install line when
	// there is one).
	Path string
	Line int
}

// Disabled reports whether the rule keeps the module from loading: an
// install command that does nothing but fail or succeed (/bin/false,
// /bin/true and their /usr/bin twins), or a blacklist line.
func (r ModuleRule) Disabled() bool {
	if r.Blacklisted {
		return true
	}
	f := strings.Fields(r.Install)
	if len(f) == 0 {
		return false
	}
	switch path.Base(f[0]) {
	case "false", "true":
		return strings.HasPrefix(f[0], "/") || len(f) == 1
	}
	return false
}

// ModuleName normalises a module name as kmod does: dashes and underscores
// are the same ("usb-storage" is "usb_storage").
func ModuleName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// ModprobeConfig reads the node's modprobe.d configuration: the rule for
// each module named by an install or blacklist line, by normalised name.
// Files are read in kmod's order (sorted by name across the directories);
// the first install line for a module wins, as in kmod.
func ModprobeConfig(n *Node) map[string]ModuleRule {
	out := map[string]ModuleRule{}
	for _, file := range dropIns(n, modprobeDirs) {
		data, err := n.ReadFile(file, 1<<20)
		if err != nil {
			continue
		}
		ParseModprobe(string(data), func(line int, directive, module, rest string) {
			m := ModuleName(module)
			r := out[m]
			switch directive {
			case "install":
				if r.Install != "" {
					return
				}
				r.Install, r.Path, r.Line = rest, file, line
				if rest == "" {
					r.Install = " "
				}
			case "blacklist":
				if r.Blacklisted {
					return
				}
				r.Blacklisted = true
				if r.Install == "" {
					r.Path, r.Line = file, line
				}
			default:
				return
			}
			out[m] = r
		})
	}
	return out
}

// ParseModprobe calls fn for every directive of a modprobe.d file with
// the line it starts on, the lowercase directive ("install", "blacklist",
// "options", …), the module it names and the rest of the line. Comments
// (#) and blank lines are skipped; a line ending in a backslash continues
// on the next.
func ParseModprobe(data string, fn func(line int, directive, module, rest string)) {
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimRight(lines[i], "\r")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		rest := ""
		if len(f) > 2 {
			rest = strings.Join(f[2:], " ")
		}
		fn(start, strings.ToLower(f[0]), f[1], rest)
	}
}
