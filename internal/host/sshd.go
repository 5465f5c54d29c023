package host

import (
	"path"
	"strings"
)

// SSHDConfigPath is where OpenSSH's server reads its configuration.
const SSHDConfigPath = "/etc/ssh/sshd_config"

// maxIncludeDepth bounds nested Include directives (sshd allows 16), and
// maxIncludedFiles the files one configuration may pull in, so that a
// configuration including itself through globs stays cheap.
const (
	maxIncludeDepth  = 16
	maxIncludedFiles = 128
)

// SSHSetting is one keyword's value and where it was read.
type SSHSetting struct {
	Value string
	Path  string
	Line  int
	// Match is the Match line the setting sits under, empty for a global
	// setting.
	Match string
}

// SSHDConfig is the server configuration of OpenSSH as sshd reads it: the
// first value of a keyword wins, Include directives are followed (globs,
// relative to /etc/ssh), and settings under a Match block are kept apart
// because they apply only to some connections.
type SSHDConfig struct {
	// Present is false when the node has neither sshd nor its config.
	Present bool
	// Global holds the effective global settings by lowercase keyword.
	Global map[string]SSHSetting
	// Matched holds the settings under Match blocks, in file order.
	Matched map[string][]SSHSetting

	// order is when each global keyword was first read (Include files
	// in place), so that aliases of one option can be told apart.
	order map[string]int
}

// Effective returns a keyword's global value and where it was set; when
// unset, def is returned with an empty path (sshd's built-in default).
func (c *SSHDConfig) Effective(keyword, def string) SSHSetting {
	if s, ok := c.Global[strings.ToLower(keyword)]; ok {
		return s
	}
	return SSHSetting{Value: def}
}

// First returns the global setting of whichever keyword sshd reads first
// among aliases of one option (KbdInteractiveAuthentication and its old
// name ChallengeResponseAuthentication), the keyword as given, and whether
// any is set.
func (c *SSHDConfig) First(keywords ...string) (SSHSetting, string, bool) {
	var best SSHSetting
	var name string
	found := false
	for _, k := range keywords {
		s, ok := c.Global[strings.ToLower(k)]
		if ok && (!found || c.order[strings.ToLower(k)] < c.order[strings.ToLower(name)]) {
			best, name, found = s, k, true
		}
	}
	return best, name, found
}

// ReadSSHDConfig reads the node's sshd configuration. A node with an sshd
// binary but no configuration file gets sshd's defaults (Present, nothing
// set).
func ReadSSHDConfig(n *Node) *SSHDConfig {
	c := &SSHDConfig{Global: map[string]SSHSetting{}, Matched: map[string][]SSHSetting{}, order: map[string]int{}}
	if !n.Exists(SSHDConfigPath) {
		for _, b := range []string{"/usr/sbin/sshd", "/sbin/sshd"} {
			if n.Exists(b) {
				c.Present = true
			}
		}
		return c
	}
	c.Present = true
	var match string
	reads := 0
	c.read(n, SSHDConfigPath, &match, map[string]bool{}, &reads)
	return c
}

// read reads one file; stack holds the files being read (a file never
// includes itself), reads counts every file read.
func (c *SSHDConfig) read(n *Node, file string, match *string, stack map[string]bool, reads *int) {
	if stack[file] || len(stack) > maxIncludeDepth || *reads >= maxIncludedFiles {
		return
	}
	*reads++
	data, err := n.ReadFile(file, 1<<20)
	if err != nil {
		return
	}
	stack[file] = true
	defer delete(stack, file)
	for i, raw := range strings.Split(string(data), "\n") {
		key, value := splitSSHLine(raw)
		if key == "" {
			continue
		}
		switch key {
		case "match":
			*match = strings.TrimSpace("Match " + value)
			continue
		case "include":
			for _, pat := range strings.Fields(value) {
				if !strings.HasPrefix(pat, "/") {
					pat = path.Join("/etc/ssh", pat)
				}
				files, _ := n.Glob(pat)
				for _, f := range files {
					c.read(n, f, match, stack, reads)
				}
			}
			continue
		}
		s := SSHSetting{Value: value, Path: file, Line: i + 1, Match: *match}
		if *match != "" {
			c.Matched[key] = append(c.Matched[key], s)
			continue
		}
		if _, seen := c.Global[key]; !seen {
			c.Global[key] = s
			c.order[key] = len(c.order)
		}
	}
}

// splitSSHLine returns the lowercase keyword and the value of one line of
// sshd_config: "Keyword value", "Keyword=value" or "Keyword = value".
// Comments and blank lines give an empty keyword.
func splitSSHLine(line string) (key, value string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", ""
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	key = strings.ToLower(line[:i])
	value = strings.TrimLeft(line[i:], " \t")
	value = strings.TrimPrefix(value, "=")
	value = strings.TrimSpace(value)
	if j := strings.Index(value, " #"); j >= 0 {
		value = strings.TrimSpace(value[:j])
	}
	return key, strings.Trim(value, `"`)
}
