package controlplane

import (
	"strings"
)

// boolFlags are flags of the components that take no separate value: given
// as "--profiling" alone they mean true, and a word after them is not their
// value (pflag's rule for booleans).
var boolFlags = map[string]bool{
	"allow-privileged": true, "anonymous-auth": true, "auto-tls": true, "client-cert-auth": true,
	"enable-bootstrap-token-auth": true, "enable-debugging-handlers": true, "enable-server": true,
	"experimental-initial-corrupt-check": true, "fail-swap-on": true, "leader-elect": true,
	"logtostderr": true, "make-iptables-util-chains": true, "peer-auto-tls": true,
	"peer-client-cert-auth": true, "profiling": true, "protect-kernel-defaults": true,
	"rotate-certificates": true, "rotate-server-certificates": true, "seccomp-default": true,
	"service-account-extend-token-expiration": true, "service-account-lookup": true,
	"strict-reconfig-check": true, "unsafe-no-fsync": true, "use-service-account-credentials": true,
	"enable-priority-and-fairness": true, "enable-aggregator-routing": true, "enable-pprof": true,
	"debug": true,
}

// ParseArgs reads the flags of a command line: "--name=value",
// "--name value", "-name=value" and a boolean "--name" alone. Words
// before the first flag (the program, "hyperkube kube-apiserver") and after
// "--" are not flags. lines, when given, holds the line of each argument.
func ParseArgs(args []string, path string, lines []int) []Arg {
	var out []Arg
	lineOf := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	for i := 0; i < len(args); i++ {
		a := strings.TrimSpace(args[i])
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		if name == "" {
			continue
		}
		if !hasValue {
			next := ""
			if i+1 < len(args) {
				next = strings.TrimSpace(args[i+1])
			}
			switch {
			case boolFlags[name]:
				value = "true"
			case i+1 < len(args) && (!strings.HasPrefix(next, "-") || next == "-"):
				value = args[i+1]
				i++
			default:
				value = "true"
			}
		}
		out = append(out, Arg{Name: name, Value: unquote(value), Path: path, Line: lineOf(i)})
	}
	return out
}

// unquote removes one pair of matching quotes around a flag value, as a
// shell would for --flag="a,b".
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// splitWords splits a command line the way systemd's ExecStart= and a
// shell's simple words do: on spaces and tabs, with single and double
// quotes grouping, and backslash escaping the next character.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped = true
			inWord = true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
