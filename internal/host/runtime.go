package host

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// RuntimeHandlers are the container runtime handlers a node offers, the
// names a RuntimeClass's handler field must match: containerd's CRI
// runtimes and CRI-O's runtimes.
type RuntimeHandlers struct {
	// Containerd lists containerd's handlers, nil without its config.
	Containerd []string
	// CRIO lists CRI-O's handlers, nil without its config.
	CRIO []string
	// Errors are one-line reasons for configuration files that could not
	// be parsed.
	Errors []string
}

// String renders the handlers per runtime: "containerd: kata, runc; cri-o: crun".
func (h RuntimeHandlers) String() string {
	var parts []string
	if h.Containerd != nil {
		parts = append(parts, "containerd: "+strings.Join(h.Containerd, ", "))
	}
	if h.CRIO != nil {
		parts = append(parts, "cri-o: "+strings.Join(h.CRIO, ", "))
	}
	return strings.Join(parts, "; ")
}

// containerdRuntimePaths are where containerd's CRI plugin keeps its
// runtimes: config version 2 (containerd 1.x) and version 3 (2.x).
var containerdRuntimePaths = [][]string{
	{"plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes"},
	{"plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"},
}

// ReadRuntimeHandlers reads the runtime configuration of containerd
// (/etc/containerd/config.toml, the files its imports name, and
// /etc/containerd/conf.d/*.toml) and of CRI-O (/etc/crio/crio.conf and
// /etc/crio/crio.conf.d/*, later files adding runtimes). A runtime whose
// configuration names no runtime offers its default one (containerd:
// runc).
func ReadRuntimeHandlers(n *Node) RuntimeHandlers {
	var h RuntimeHandlers
	const containerdMain = "/etc/containerd/config.toml"
	if n.Exists(containerdMain) {
		files := []string{containerdMain}
		names := map[string]bool{}
		for i := 0; i < len(files) && i < 64; i++ {
			doc, err := readTOML(n, files[i])
			if err != nil {
				h.Errors = append(h.Errors, err.Error())
				continue
			}
			if i == 0 {
				if imps, ok := doc["imports"].([]any); ok {
					for _, imp := range imps {
						if s, ok := imp.(string); ok {
							if !strings.HasPrefix(s, "/") {
								s = path.Join("/etc/containerd", s)
							}
							more, _ := n.Glob(s)
							files = append(files, more...)
						}
					}
				}
				more, _ := n.Glob("/etc/containerd/conf.d/*.toml")
				for _, m := range more {
					if !slices.Contains(files, m) {
						files = append(files, m)
					}
				}
			}
			for _, p := range containerdRuntimePaths {
				for name := range tomlTable(doc, p...) {
					names[name] = true
				}
			}
		}
		h.Containerd = sortedKeys(names)
		if len(h.Containerd) == 0 {
			h.Containerd = []string{"runc"}
		}
	}
	crioFiles := []string{}
	if n.Exists("/etc/crio/crio.conf") {
		crioFiles = append(crioFiles, "/etc/crio/crio.conf")
	}
	more, _ := n.Glob("/etc/crio/crio.conf.d/*")
	crioFiles = append(crioFiles, more...)
	if len(crioFiles) > 0 {
		names := map[string]bool{}
		def := ""
		for _, f := range crioFiles {
			doc, err := readTOML(n, f)
			if err != nil {
				h.Errors = append(h.Errors, err.Error())
				continue
			}
			for name := range tomlTable(doc, "crio", "runtime", "runtimes") {
				names[name] = true
			}
			if d, ok := tomlTable(doc, "crio", "runtime")["default_runtime"].(string); ok && d != "" {
				def = d
			}
		}
		if def != "" {
			names[def] = true
		}
		h.CRIO = sortedKeys(names)
		if len(h.CRIO) == 0 {
			h.CRIO = []string{}
		}
	}
	return h
}

// readTOML parses one node file as TOML.
func readTOML(n *Node, p string) (map[string]any, error) {
	data, err := n.ReadFile(p, 4<<20)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return ParseRuntimeConfig(data, p)
}

// ParseRuntimeConfig parses a containerd or CRI-O configuration file;
// name says which, for the error.
func ParseRuntimeConfig(data []byte, name string) (map[string]any, error) {
	doc := map[string]any{}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return nil, fmt.Errorf("parsing %s: %s", name, msg)
	}
	return doc, nil
}

// tomlTable walks nested tables by key and returns the last, or nil.
func tomlTable(doc map[string]any, keys ...string) map[string]any {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
