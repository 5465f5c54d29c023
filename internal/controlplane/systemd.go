package controlplane

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/host"
)

// kubeletUnits are where the kubelet's systemd unit lives; drop-ins are
// read from <unit>.d/*.conf in the same directories, /etc last (it wins).
var kubeletUnitDirs = []string{"/usr/lib/systemd/system", "/lib/systemd/system", "/run/systemd/system", "/etc/systemd/system"}

// unitValue is a value of a unit file with where it was written.
type unitValue struct {
	value string
	path  string
	line  int
}

// KubeletFromSystemd reads the kubelet's flags from its systemd unit and
// drop-ins (kubeadm's 10-kubeadm.conf): the last ExecStart= with its
// $VARIABLES expanded from Environment= and EnvironmentFile= (such as
// /var/lib/kubelet/kubeadm-flags.env and /etc/default/kubelet). It returns
// nil when the node has no kubelet unit. Each flag keeps the file and line
// it was written on.
func KubeletFromSystemd(n *host.Node) *ComponentConfig {
	var files []string
	for _, dir := range kubeletUnitDirs {
		if p := dir + "/kubelet.service"; n.Exists(p) {
			files = append(files, p)
		}
	}
	// Drop-ins apply in name order across directories; a name in a later
	// directory replaces the same name in an earlier one.
	dropins := map[string]string{}
	for _, dir := range kubeletUnitDirs {
		found, _ := n.Glob(dir + "/kubelet.service.d/*.conf")
		for _, f := range found {
			dropins[path.Base(f)] = f
		}
	}
	names := make([]string, 0, len(dropins))
	for name := range dropins {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		files = append(files, dropins[name])
	}
	if len(files) == 0 {
		return nil
	}
	env := map[string]unitValue{}
	var exec unitValue
	for _, f := range files {
		data, err := n.ReadFile(f, 1<<20)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			key, value, ok := strings.Cut(line, "=")
			if !ok || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
				continue
			}
			switch strings.TrimSpace(key) {
			case "ExecStart":
				// An empty ExecStart= clears the list; the last one runs.
				exec = unitValue{strings.TrimSpace(value), f, i + 1}
			case "Environment":
				for _, assign := range splitWords(value) {
					if k, v, ok := strings.Cut(assign, "="); ok {
						env[k] = unitValue{v, f, i + 1}
					}
				}
			case "EnvironmentFile":
				for _, ef := range strings.Fields(value) {
					readEnvFile(n, strings.TrimPrefix(ef, "-"), env)
				}
			}
		}
	}
	if exec.value == "" {
		return nil
	}
	// ExecStart may start with prefixes such as "-" or "@".
	cmd := strings.TrimLeft(exec.value, "-@:+!")
	var args []Arg
	for _, w := range splitWords(cmd) {
		if name, ok := varName(w); ok {
			v := env[name]
			for _, a := range ParseArgs(splitWords(v.value), v.path, nil) {
				a.Line = v.line
				args = append(args, a)
			}
			continue
		}
		for _, a := range ParseArgs([]string{w}, exec.path, nil) {
			a.Line = exec.line
			args = append(args, a)
		}
	}
	return &ComponentConfig{Component: Kubelet, Source: SourceSystemd, Path: exec.path, Args: args}
}

var varRef = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)

// varName reports whether a word of ExecStart= is a whole $VAR or ${VAR}.
func varName(w string) (string, bool) {
	m := varRef.FindStringSubmatch(w)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// readEnvFile reads KEY=value lines of an environment file into env.
func readEnvFile(n *host.Node, p string, env map[string]unitValue) {
	data, err := n.ReadFile(p, 1<<20)
	if err != nil {
		return
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		env[strings.TrimSpace(k)] = unitValue{unquote(strings.TrimSpace(v)), p, i + 1}
	}
}
