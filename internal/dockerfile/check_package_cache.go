package dockerfile

// FC-DF-010 inspects package installations in RUN instructions of the
// stages that end up in the final image (the final stage and the stages
// it is built FROM). It fires when
//   - apt-get/apt install runs without --no-install-recommends (or
//     APT::Install-Recommends=false configured), or without removing
//     /var/lib/apt/lists in the same RUN;
//   - apk add runs without --no-cache (or removing /var/cache/apk);
//   - pip install runs without --no-cache-dir (or PIP_NO_CACHE_DIR set);
//   - yum/dnf/microdnf/zypper install runs without "<tool> clean all" (or
//     removing its cache directory) in the same RUN.
// Allowed in every case: a RUN --mount=type=cache over the cache directory,
// and build stages whose layers are not in the final image.

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// cacheMounted reports whether the RUN mounts a cache over any of dirs.
func cacheMounted(in *Instruction, dirs ...string) bool {
	run, ok := in.Command.(*instructions.RunCommand)
	if !ok {
		return false
	}
	for _, m := range instructions.GetMounts(run) {
		if m.Type != instructions.MountTypeCache {
			continue
		}
		for _, d := range dirs {
			if strings.HasPrefix(path.Clean(m.Target), d) {
				return true
			}
		}
	}
	return false
}

// removes reports whether the RUN removes a path under any of dirs.
func removes(in *Instruction, dirs ...string) bool {
	for _, c := range runShellCommands(in) {
		args := unwrap(c.Args)
		if len(args) == 0 || path.Base(args[0]) != "rm" {
			continue
		}
		for _, a := range args[1:] {
			for _, d := range dirs {
				if strings.HasPrefix(a, d) {
					return true
				}
			}
		}
	}
	return false
}

// mentions reports whether any word or assignment of the stages' commands
// or any of their ARG/ENV names contains s.
func mentions(stages []*Stage, s string) bool {
	for _, st := range stages {
		for _, in := range st.Instructions {
			for _, v := range in.Vars {
				if strings.Contains(v.Name, s) {
					return true
				}
			}
			for _, c := range runShellCommands(in) {
				for _, w := range append(c.Args, c.Assigns...) {
					if strings.Contains(w, s) {
						return true
					}
				}
			}
		}
	}
	return false
}

func checkPackageCache() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-010",
			"Package manager leaves caches or extra packages in the image",
			finding.SeverityLow,
			finding.LayerContainer,
			"Package indexes, download caches and recommended packages bloat the image and widen its attack "+
				"surface with software nobody asked for.",
			"Use apt-get install --no-install-recommends and rm -rf /var/lib/apt/lists/* in the same RUN, apk add --no-cache, pip install --no-cache-dir, <tool> clean all after yum/dnf/zypper, or a RUN --mount=type=cache.",
			cis("4.3"),
			hadolint("DL3009"),
			hadolint("DL3015"),
			hadolint("DL3019"),
			hadolint("DL3042"),
			hadolint("DL3032"),
			hadolint("DL3040"),
		),
		Eval: packageCacheViolations,
	}
}

// packageCacheViolations reports the package installations of the stages
// in the final image that leave caches or recommended packages behind.
func packageCacheViolations(f *File) []check.Violation {
	var out []check.Violation
	// Once per stage, not per instruction: both walk the lineage.
	inImage := map[*Stage]bool{}
	for _, s := range f.Lineage(f.Final()) {
		inImage[s] = true
	}
	mentioned := lineageMentions(f)
	for s, in := range f.Instructions() {
		if !inImage[s] {
			continue
		}
		inLineage := func(word string) bool { return mentioned(s, word) }
		for _, c := range runShellCommands(in) {
			i, ok := installOf(c)
			if !ok {
				continue
			}
			for _, p := range cacheProblems(i, in, inLineage) {
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("RUN in %s %s", stageRef(s), p),
					Line:          c.Line,
					Discriminator: s.Label() + "\x00" + p + "\x00" + cmdText(c),
				})
			}
		}
	}
	return out
}

// lineageMentions returns mentions over the lineage of a stage of f,
// remembering each answer.
func lineageMentions(f *File) func(s *Stage, word string) bool {
	type mention struct {
		stage *Stage
		word  string
	}
	memo := map[mention]bool{}
	return func(s *Stage, word string) bool {
		k := mention{s, word}
		v, ok := memo[k]
		if !ok {
			v = mentions(f.Lineage(s), word)
			memo[k] = v
		}
		return v
	}
}

// cacheProblems describes what installation i, run by instruction in,
// leaves in the image; mentioned reports whether the stage's lineage
// mentions a word (a configuration option or variable).
func cacheProblems(i install, in *Instruction, mentioned func(word string) bool) []string {
	tool := path.Base(i.args[0])
	switch i.manager {
	case "apt-get":
		return aptCacheProblems(i, tool, in, mentioned)
	case "apk":
		if !hasFlag(i.args, "--no-cache") && !removes(in, "/var/cache/apk") && !cacheMounted(in, "/var/cache/apk", "/etc/apk/cache") {
			return []string{"runs apk add without --no-cache"}
		}
	case "pip":
		if !hasFlag(i.args, "--no-cache-dir") && !mentioned("PIP_NO_CACHE_DIR") &&
			!removes(in, "/root/.cache") && !cacheMounted(in, "/root/.cache") {
			return []string{"runs " + tool + " install without --no-cache-dir"}
		}
	case "dnf", "zypper":
		return cleanAllProblems(tool, in)
	}
	return nil
}

// aptCacheProblems checks an apt-get, apt or aptitude installation for
// recommended packages and left-over package lists.
func aptCacheProblems(i install, tool string, in *Instruction, mentioned func(word string) bool) []string {
	var problems []string
	if tool != "aptitude" && !hasFlag(i.args, "--no-install-recommends") && !mentioned("Install-Recommends") {
		problems = append(problems, "runs "+tool+" install without --no-install-recommends")
	}
	if !removes(in, "/var/lib/apt/lists") && !cacheMounted(in, "/var/lib/apt") {
		problems = append(problems, "runs "+tool+" install but does not remove /var/lib/apt/lists/* in the same RUN")
	}
	return problems
}

// cleanAllProblems checks a yum, dnf, microdnf, tdnf or zypper
// installation for a cache left in the image.
func cleanAllProblems(tool string, in *Instruction) []string {
	dir := "/var/cache/" + tool
	if tool == "zypper" {
		dir = "/var/cache/zypp"
	}
	if !commandCalls(in, tool, "clean") && !removes(in, dir) && !cacheMounted(in, dir) {
		return []string{fmt.Sprintf("runs %s install without %q in the same RUN", tool, tool+" clean all")}
	}
	return nil
}
