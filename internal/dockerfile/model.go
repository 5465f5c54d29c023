package dockerfile

import (
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// File is a parsed Dockerfile or Containerfile.
type File struct {
	// Path is the name the file was parsed under.
	Path string
	// Args are the global ARGs, declared before the first FROM. Their values
	// are the defaults written in the file; build arguments are unknown.
	Args []Var
	// Stages are the build stages in file order. The last one is the image a
	// plain `docker build` produces; see [File.Final].
	Stages []*Stage
	// HasDockerignore reports that a .dockerignore (or <name>.dockerignore)
	// sits beside the file. Parse cannot know it; the scanner sets it.
	HasDockerignore bool
}

// Stage is one build stage: a FROM and the instructions up to the next FROM.
type Stage struct {
	// Index is the stage's position in the file, from 0.
	Index int
	// Name is the alias given by `FROM ... AS name`, lower-cased, or "".
	Name string
	// From is the FROM instruction that opens the stage.
	From *Instruction
	// Base is the image or earlier stage the stage builds on.
	Base Image
	// Platform is the --platform value after ARG expansion, or "".
	Platform string
	// Instructions are the stage's instructions after FROM, in file order.
	Instructions []*Instruction
}

// Label names the stage for messages: its alias, or its index.
func (s *Stage) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return "#" + strconv.Itoa(s.Index)
}

// Image is the base of a stage as written in FROM.
type Image struct {
	// Raw is the reference as written, before ARG expansion.
	Raw string
	// Ref is the reference after expansion with the global ARG defaults.
	Ref string
	// Unresolved is true when Raw uses an ARG that has no default, so Ref
	// is not what a build would use. Registry and Repository are still set
	// when the missing values can only change the tag or digest.
	Unresolved bool
	// Scratch is true for `FROM scratch`.
	Scratch bool
	// Stage is the index of the earlier stage Ref names, or -1.
	Stage int
	// Registry is the registry host, "docker.io" for Docker Hub.
	Registry string
	// Repository is the path inside the registry, e.g. "library/alpine".
	Repository string
	// Tag is the tag written in the reference, "" when none was written.
	Tag string
	// Digest is the digest written in the reference, e.g. "sha256:...".
	Digest string
	// Err says why Ref is not a valid image reference, or "".
	Err string
}

// External reports whether the image is pulled from a registry: not
// scratch, not an earlier stage, and known well enough to judge.
func (im Image) External() bool {
	return !im.Scratch && im.Stage < 0 && !im.Unresolved && im.Err == ""
}

// Name is the image's repository with its registry, as a person writes it:
// "alpine" for Docker Hub official images, "ghcr.io/acme/app" otherwise.
func (im Image) Name() string {
	if im.Registry == dockerHub {
		return strings.TrimPrefix(im.Repository, "library/")
	}
	return im.Registry + "/" + im.Repository
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Keyword is the instruction's keyword in upper case, e.g. "RUN".
	Keyword string
	// StartLine and EndLine are the 1-based lines the instruction spans,
	// heredoc bodies included.
	StartLine, EndLine int
	// Source is the instruction's first part as written, continuation
	// lines joined (heredoc bodies are in Heredocs).
	Source string
	// Flags are the instruction's flags as written, e.g. "--from=build".
	Flags []string
	// Args are the instruction's arguments as the parser split them, before
	// expansion (ENV and LABEL come as name, value, separator triples).
	Args []string
	// Heredocs are the here-documents attached to the instruction.
	Heredocs []Heredoc
	// Command is BuildKit's typed form of the instruction, its words
	// expanded the way BuildKit expands them (with the ARG and ENV values
	// the file defines). Nil for FROM.
	Command instructions.Command
	// Unresolved lists the variables the instruction referenced that had
	// no value in the file (build arguments without defaults).
	Unresolved []string
	// Vars are the name/value pairs of an ARG or ENV instruction.
	Vars []Var
	// Ports are the ports of an EXPOSE instruction.
	Ports []Port
	// Pipelines are the shell commands a RUN instruction executes, found
	// by parsing its shell code (heredoc scripts and `sh -c` included).
	Pipelines []Pipeline
}

// Var is one name/value pair of an ARG or ENV instruction.
type Var struct {
	Name string
	// Raw is the value as written, quotes included; "" when none.
	Raw string
	// Value is the value after quote removal and variable expansion.
	Value string
	// HasValue is false for `ARG NAME` without a default.
	HasValue bool
	// Line is the line of the instruction that declares it.
	Line int
}

// Port is one port of an EXPOSE instruction; a range has End > Number.
type Port struct {
	Number, End int
	// Protocol is "tcp" unless written otherwise.
	Protocol string
	// Raw is the port as written, before expansion.
	Raw string
}

// Contains reports whether port n falls in p.
func (p Port) Contains(n int) bool {
	if p.End > p.Number {
		return n >= p.Number && n <= p.End
	}
	return n == p.Number
}

// Heredoc is a here-document attached to RUN, COPY or ADD.
type Heredoc struct {
	Name    string
	Content string
}

// Pipeline is a list of shell commands joined by `|`; a command on its own
// is a pipeline of one.
type Pipeline []ShellCommand

// ShellCommand is one simple command found in a RUN instruction.
type ShellCommand struct {
	// Args are the command's words: quotes removed from literal parts,
	// expansions such as $VAR or $(cmd) kept as written.
	Args []string
	// Assigns are the NAME=value assignments written before the command.
	Assigns []string
	// Line is the Dockerfile line the command starts on.
	Line int
}

// Name is the base name of the command, e.g. "sh" for /bin/sh.
func (c ShellCommand) Name() string {
	if len(c.Args) == 0 {
		return ""
	}
	return path.Base(c.Args[0])
}

// Final returns the last stage: what `docker build` without --target
// produces. It is nil only for a file without stages, which Parse rejects.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// Lineage returns the stage and the earlier stages it is built FROM, the
// stage itself first: the stages whose layers end up in its image.
func (f *File) Lineage(s *Stage) []*Stage {
	var out []*Stage
	seen := map[int]bool{}
	for s != nil && !seen[s.Index] {
		seen[s.Index] = true
		out = append(out, s)
		if s.Base.Stage < 0 || s.Base.Stage >= len(f.Stages) {
			break
		}
		s = f.Stages[s.Base.Stage]
	}
	return out
}

// InImage reports whether stage s contributes layers to the final image.
func (f *File) InImage(s *Stage) bool {
	for _, l := range f.Lineage(f.Final()) {
		if l == s {
			return true
		}
	}
	return false
}

// Instructions yields every instruction after a FROM with its stage, in
// file order.
func (f *File) Instructions() iter.Seq2[*Stage, *Instruction] {
	return func(yield func(*Stage, *Instruction) bool) {
		for _, s := range f.Stages {
			for _, in := range s.Instructions {
				if !yield(s, in) {
					return
				}
			}
		}
	}
}

// User returns the USER in effect at the end of stage s — its own last
// USER, or the one inherited from the earlier stage it is built FROM — and
// the instruction that set it. It returns a nil instruction when no USER
// applies, so the base image's default user (often root) is used.
func (f *File) User(s *Stage) (string, *Instruction) {
	for _, st := range f.Lineage(s) {
		for i := len(st.Instructions) - 1; i >= 0; i-- {
			in := st.Instructions[i]
			if u, ok := in.Command.(*instructions.UserCommand); ok {
				return u.User, in
			}
		}
	}
	return "", nil
}

// ExposedPorts returns the ports stage s exposes, its own and inherited.
func (f *File) ExposedPorts(s *Stage) []Port {
	var out []Port
	for _, st := range f.Lineage(s) {
		for _, in := range st.Instructions {
			out = append(out, in.Ports...)
		}
	}
	return out
}

// BaseImages returns the external images the file's stages build on, in
// stage order, one entry per stage that has one.
func (f *File) BaseImages() []Image {
	var out []Image
	for _, s := range f.Stages {
		if s.Base.External() {
			out = append(out, s.Base)
		}
	}
	return out
}
