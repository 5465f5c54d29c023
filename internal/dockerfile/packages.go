package dockerfile

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// install is a package installation found in a RUN instruction.
type install struct {
	// manager is the family: "apt-get", "apk", "pip", "npm", "gem", "go",
	// "dnf" (yum, dnf, microdnf, tdnf) or "zypper".
	manager string
	// args is the command after wrappers and the interpreter prefix
	// (`python -m`) are removed: args[0] is the tool.
	args []string
	// pkgs are the package operands, without options and their values.
	pkgs []string
}

// unpinned returns the packages that do not name a version.
func (i install) unpinned() []string {
	m := managers[i.manager]
	if m.pinnedByFlag != nil && m.pinnedByFlag(i.args) {
		return nil
	}
	var out []string
	for _, p := range i.pkgs {
		if strings.ContainsAny(p, "$`") || m.notPackage(p) || m.pinned(p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// manager describes how one package manager's install command reads.
type manager struct {
	verbs     []string
	valueOpts map[string]bool
	// pinned reports whether a package operand names a version.
	pinned func(string) bool
	// pinnedByFlag reports whether an option pins every package (gem -v).
	pinnedByFlag func(args []string) bool
	// notPackage reports operands that are local files or URLs.
	notPackage func(string) bool
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func isPathOrURL(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.Contains(s, "://")
}

var rpmVersioned = regexp.MustCompile(`-[0-9]`)

var managers = map[string]manager{
	"apt-get": {
		verbs:      []string{"install"},
		valueOpts:  set("-o", "-t", "-c", "--option", "--target-release", "--default-release", "--config-file"),
		pinned:     func(p string) bool { return strings.Contains(p, "=") },
		notPackage: func(p string) bool { return isPathOrURL(p) || strings.HasSuffix(p, ".deb") },
	},
	"apk": {
		verbs:      []string{"add"},
		valueOpts:  set("-t", "--virtual", "-X", "--repository", "-p", "--root", "--repositories-file", "--arch", "--cache-dir", "--keys-dir", "--cache-max-age", "--timeout"),
		pinned:     func(p string) bool { return strings.ContainsAny(p, "=<>~") },
		notPackage: func(p string) bool { return isPathOrURL(p) || strings.HasSuffix(p, ".apk") },
	},
	"pip": {
		verbs: []string{"install"},
		valueOpts: set("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
			"--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host",
			"--platform", "--python-version", "--implementation", "--abi", "--upgrade-strategy", "--src",
			"--cache-dir", "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action",
			"--cert", "--client-cert", "--global-option", "--config-settings", "-C", "--only-binary",
			"--no-binary", "--report", "--python"),
		pinned: func(p string) bool { return strings.ContainsAny(p, "=<>@") },
		notPackage: func(p string) bool {
			return isPathOrURL(p) || strings.HasPrefix(p, "git+") || hasAnySuffix(p, ".whl", ".tar.gz", ".zip", ".tgz")
		},
	},
	"npm": {
		verbs:     []string{"install", "i", "add", "isntall", "in"},
		valueOpts: set("--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig", "--globalconfig", "--loglevel", "--omit", "--include", "--install-strategy"),
		pinned: func(p string) bool {
			at := strings.LastIndexByte(p, '@')
			if at <= 0 {
				return false
			}
			v := p[at+1:]
			return v != "" && v != "latest" && v != "next"
		},
		notPackage: func(p string) bool {
			return isPathOrURL(p) || strings.HasPrefix(p, "git+") || strings.HasPrefix(p, "git:") ||
				strings.HasPrefix(p, "github:") || strings.HasPrefix(p, "file:") ||
				strings.HasSuffix(p, ".tgz") || !strings.HasPrefix(p, "@") && strings.Contains(p, "/")
		},
	},
	"gem": {
		verbs:        []string{"install", "i"},
		valueOpts:    set("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source", "-s", "-P", "--trust-policy", "--platform"),
		pinned:       func(p string) bool { return strings.Contains(p, ":") },
		pinnedByFlag: func(args []string) bool { return hasFlag(args, "-v", "--version") },
		notPackage:   func(p string) bool { return isPathOrURL(p) || strings.HasSuffix(p, ".gem") },
	},
	"go": {
		verbs:     []string{"install"},
		valueOpts: set("-ldflags", "-tags", "-gcflags", "-o", "-mod", "-modfile", "-p", "-asmflags", "-overlay", "-pgo"),
		pinned: func(p string) bool {
			_, v, ok := strings.Cut(p, "@")
			return !ok || !slices.Contains([]string{"latest", "master", "main", "HEAD"}, v)
		},
		notPackage: isPathOrURL,
	},
	"dnf": {
		verbs:     []string{"install", "in"},
		valueOpts: set("-c", "--config", "--releasever", "--installroot", "-x", "--exclude", "--enablerepo", "--disablerepo", "-d", "-e", "-R", "--setopt"),
		pinned:    func(p string) bool { return rpmVersioned.MatchString(p) },
		notPackage: func(p string) bool {
			return isPathOrURL(p) || strings.HasSuffix(p, ".rpm") || strings.HasPrefix(p, "@")
		},
	},
	"zypper": {
		verbs:      []string{"install", "in"},
		valueOpts:  set("-t", "--type", "-r", "--repo", "--from"),
		pinned:     func(p string) bool { return strings.ContainsAny(p, "=<>") },
		notPackage: func(p string) bool { return isPathOrURL(p) || strings.HasSuffix(p, ".rpm") },
	},
}

var (
	pipName    = regexp.MustCompile(`^pip[0-9.]*$`)
	pythonName = regexp.MustCompile(`^python[0-9.]*$`)
)

// managerOf maps a tool's base name to its manager family.
func managerOf(tool string) string {
	switch {
	case tool == "apt-get" || tool == "apt" || tool == "aptitude":
		return "apt-get"
	case tool == "yum" || tool == "dnf" || tool == "microdnf" || tool == "tdnf":
		return "dnf"
	case pipName.MatchString(tool):
		return "pip"
	}
	if _, ok := managers[tool]; ok {
		return tool
	}
	return ""
}

// installOf recognises a package installation in a shell command.
func installOf(c ShellCommand) (install, bool) {
	args := unwrap(c.Args)
	if len(args) >= 3 && pythonName.MatchString(path.Base(args[0])) && args[1] == "-m" {
		args = args[2:]
	}
	if len(args) < 2 {
		return install{}, false
	}
	name := managerOf(path.Base(args[0]))
	if name == "" {
		return install{}, false
	}
	m := managers[name]
	verb := -1
	for i := 1; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if m.valueOpts[a] {
				i++
			}
			continue
		}
		if slices.Contains(m.verbs, a) {
			verb = i
		}
		break
	}
	if verb < 0 {
		return install{}, false
	}
	in := install{manager: name, args: args}
	for i := verb + 1; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if m.valueOpts[a] {
				i++
			}
			continue
		}
		in.pkgs = append(in.pkgs, a)
	}
	return in, true
}
