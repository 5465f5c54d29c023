package dockerfile

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// modeBits are the permission effects of a chmod mode that the checks
// care about.
type modeBits struct {
	worldWritable, sticky, setuid, setgid bool
}

var octalMode = regexp.MustCompile(`^[0-7]{1,4}$`)

// parseMode reads an octal ("1777") or symbolic ("a+rwx,o-w") chmod mode.
// Symbolic clauses without who ("+w") follow the umask, which keeps others
// from writing, so they do not make a file world-writable.
func parseMode(mode string) modeBits {
	if octalMode.MatchString(mode) {
		v, _ := strconv.ParseUint(mode, 8, 16)
		return modeBits{worldWritable: v&0o002 != 0, sticky: v&0o1000 != 0, setuid: v&0o4000 != 0, setgid: v&0o2000 != 0}
	}
	var b modeBits
	for _, clause := range strings.Split(mode, ",") {
		i := 0
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			i++
		}
		who := clause[:i]
		others := strings.ContainsAny(who, "oa")
		user := who == "" || strings.ContainsAny(who, "ua")
		group := who == "" || strings.ContainsAny(who, "ga")
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				break
			}
			i++
			j := i
			for j < len(clause) && strings.IndexByte("rwxXstugo", clause[j]) >= 0 {
				j++
			}
			perms := clause[i:j]
			i = j
			add := op != '-'
			if others && (strings.Contains(perms, "w") || op == '=') {
				b.worldWritable = add && strings.Contains(perms, "w")
			}
			if strings.Contains(perms, "t") || op == '=' && others {
				b.sticky = add && strings.Contains(perms, "t")
			}
			if strings.Contains(perms, "s") && add {
				b.setuid = b.setuid || user
				b.setgid = b.setgid || group
			}
		}
	}
	return b
}

// modeChange is a permission change found in an instruction.
type modeChange struct {
	mode  string
	files []string
	line  int
	// how is "chmod" or the instruction's keyword for COPY/ADD --chmod.
	how string
}

// modeChanges returns the chmod commands of a RUN and the --chmod of a
// COPY or ADD.
func modeChanges(in *Instruction) []modeChange {
	switch c := in.Command.(type) {
	case *instructions.CopyCommand:
		if c.Chmod != "" {
			return []modeChange{{mode: c.Chmod, files: []string{c.DestPath}, line: in.StartLine, how: "COPY --chmod"}}
		}
		return nil
	case *instructions.AddCommand:
		if c.Chmod != "" {
			return []modeChange{{mode: c.Chmod, files: []string{c.DestPath}, line: in.StartLine, how: "ADD --chmod"}}
		}
		return nil
	}
	var out []modeChange
	for _, sc := range runShellCommands(in) {
		args := unwrap(sc.Args)
		if len(args) < 3 || path.Base(args[0]) != "chmod" {
			continue
		}
		mc := modeChange{line: sc.Line, how: "chmod"}
		for _, a := range args[1:] {
			switch {
			case mc.mode == "" && strings.HasPrefix(a, "-") && !strings.ContainsAny(a, "rwxXst"):
				// an option such as -R, -v, --recursive
			case mc.mode == "" && strings.HasPrefix(a, "--"):
			case mc.mode == "":
				mc.mode = a
			default:
				mc.files = append(mc.files, a)
			}
		}
		if mc.mode != "" {
			out = append(out, mc)
		}
	}
	return out
}
