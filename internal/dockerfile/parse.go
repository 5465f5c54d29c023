package dockerfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// dockerHub is how the model names Docker Hub, whatever alias was written.
const dockerHub = "docker.io"

// Parse parses a Dockerfile named name (used in errors and as File.Path)
// with the default budgets; see [ParseContext].
func Parse(name string, data []byte) (*File, error) {
	return ParseContext(context.Background(), name, data)
}

// ParseContext parses a Dockerfile named name (used in errors and as
// File.Path). It rejects what BuildKit would reject (unknown instructions,
// bad flags, unterminated heredocs, no FROM) and inputs that are empty,
// binary or over their budgets: larger than 2 MiB (or limits.FileBytes),
// more than 1000 stages, shell code nested deeper than limits.Depth, more
// shell parsing than a few times the file's size, or longer than
// limits.PerInput (the deadline of ctx). A budget error wraps
// [limits.ErrExceeded]. It never panics, and recurses no deeper than the
// budgets allow.
func ParseContext(ctx context.Context, name string, data []byte) (f *File, err error) {
	limit := min(limits.From(ctx).FileBytes, maxFileBytes)
	switch {
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("parsing %q: %w (%s)", name, limits.Exceeded("Dockerfile size", limits.Bytes(limit)), limits.Bytes(int64(len(data))))
	case source.IsBinary(data):
		return nil, fmt.Errorf("parsing %q: binary content", name)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("parsing %q: empty file", name)
	}
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("parsing %q: internal parser error: %v", name, r)
		}
	}()
	bud := newBudget(ctx, len(data))
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", name, located(err))
	}
	b := &builder{
		file:   &File{Path: name},
		lex:    shell.NewLex(res.EscapeToken),
		global: newEnv(),
		lint:   &linter.Linter{},
		bud:    bud,
		walker: newScriptWalker(bud),
	}
	for _, node := range res.AST.Children {
		if !bud.ok() {
			break
		}
		if err := b.add(node); err != nil {
			return nil, fmt.Errorf("parsing %q: %w", name, located(err))
		}
	}
	if !bud.ok() {
		return nil, fmt.Errorf("parsing %q: %w", name, bud.err)
	}
	if len(b.file.Stages) == 0 {
		return nil, fmt.Errorf("parsing %q: no FROM instruction", name)
	}
	return b.file, nil
}

// located prefixes a BuildKit error with the line it carries.
func located(err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		if line := le.Locations[0][0].Start.Line; line > 0 {
			return fmt.Errorf("line %d: %w", line, le.Unwrap())
		}
	}
	return err
}

// builder turns BuildKit's AST into a File, one node at a time.
type builder struct {
	file   *File
	lex    *shell.Lex
	global *env // global ARGs
	stage  *Stage
	env    *env     // variables visible in the current stage
	shell  []string // the current stage's SHELL
	lint   *linter.Linter
	bud    *budget
	walker *scriptWalker
}

func (b *builder) add(node *parser.Node) error {
	typed, err := instructions.ParseInstructionWithLinter(node, b.lint)
	if err != nil {
		return parser.WithLocation(err, node.Location())
	}
	in := &Instruction{
		Keyword:   strings.ToUpper(node.Value),
		StartLine: node.StartLine,
		EndLine:   node.EndLine,
		Source:    strings.TrimSpace(node.Original),
		Flags:     node.Flags,
	}
	for n := node.Next; n != nil; n = n.Next {
		in.Args = append(in.Args, n.Value)
	}
	for _, h := range node.Heredocs {
		in.Heredocs = append(in.Heredocs, Heredoc{Name: h.Name, Content: h.Content})
	}
	if st, ok := typed.(*instructions.Stage); ok {
		if len(b.file.Stages) >= maxStages {
			return parser.WithLocation(limits.Exceeded("stages", maxStages), node.Location())
		}
		b.from(in, st)
		return nil
	}
	cmd, ok := typed.(instructions.Command)
	if !ok {
		return parser.WithLocation(fmt.Errorf("%s is not a command", in.Keyword), node.Location())
	}
	in.Command = cmd
	if b.stage == nil {
		arg, ok := cmd.(*instructions.ArgCommand)
		if !ok {
			return parser.WithLocation(fmt.Errorf("%s before the first FROM", in.Keyword), node.Location())
		}
		b.file.Args = append(b.file.Args, b.args(in, arg, b.global, nil)...)
		return nil
	}
	b.command(in, cmd)
	b.stage.Instructions = append(b.stage.Instructions, in)
	return nil
}

// from opens a stage.
func (b *builder) from(in *Instruction, st *instructions.Stage) {
	s := &Stage{Index: len(b.file.Stages), Name: st.Name, From: in}
	var unresolved []string
	s.Base, unresolved = b.image(st.BaseName)
	if st.Platform != "" {
		var u []string
		s.Platform, u = b.expand(st.Platform, b.global)
		unresolved = append(unresolved, u...)
	}
	in.Unresolved = sortedSet(unresolved)
	b.file.Stages = append(b.file.Stages, s)
	b.stage = s
	b.env = newEnv()
	b.shell = []string{"/bin/sh", "-c"}
}

// placeholder stands in for variables without a value when a FROM
// reference is parsed, to learn which parts of it they leave unknown.
const placeholder = "fourc0unresolved0"

// image expands and parses a FROM reference. When it uses ARGs without a
// value, the registry and repository are still filled in if the missing
// values can only affect the tag or digest.
func (b *builder) image(raw string) (Image, []string) {
	ref, unresolved := b.expand(raw, b.global)
	im := Image{Raw: raw, Ref: ref, Stage: -1, Unresolved: len(unresolved) > 0}
	lower := strings.ToLower(ref)
	for i, prev := range b.file.Stages {
		if prev.Name != "" && prev.Name == lower {
			im.Stage = i
		}
	}
	if im.Stage >= 0 {
		return im, unresolved
	}
	if im.Unresolved {
		probe := &env{vals: maps.Clone(b.global.vals), keys: slices.Clone(b.global.keys)}
		for _, u := range unresolved {
			probe.set(u, placeholder)
		}
		guess, _ := b.expand(raw, probe)
		p := parseRef(guess)
		if p.Err == "" && !strings.Contains(p.Registry+"/"+p.Repository, placeholder) {
			im.Registry, im.Repository = p.Registry, p.Repository
		}
		return im, unresolved
	}
	if lower == "scratch" {
		im.Scratch = true
		return im, unresolved
	}
	p := parseRef(ref)
	im.Registry, im.Repository, im.Tag, im.Digest, im.Err = p.Registry, p.Repository, p.Tag, p.Digest, p.Err
	return im, unresolved
}

// parseRef splits an image reference into registry, repository, the tag
// as written and the digest, or says why it is not valid.
func parseRef(ref string) Image {
	var im Image
	base, digest, hasDigest := strings.Cut(ref, "@")
	if hasDigest {
		if _, err := name.NewDigest(ref); err != nil {
			im.Err = err.Error()
			return im
		}
		im.Digest = digest
	}
	tag, err := name.NewTag(base)
	if err != nil {
		im.Err = err.Error()
		return im
	}
	im.Registry = tag.RegistryStr()
	if im.Registry == name.DefaultRegistry {
		im.Registry = dockerHub
	}
	im.Repository = tag.RepositoryStr()
	if i := strings.LastIndex(base, ":"); i >= 0 && !strings.Contains(base[i+1:], "/") {
		im.Tag = base[i+1:]
	}
	return im
}

// command records what the model needs from one instruction inside a stage
// and updates the stage's variables.
func (b *builder) command(in *Instruction, cmd instructions.Command) {
	var unresolved []string
	expander := func(word string) (string, error) {
		v, u := b.expand(word, b.env)
		unresolved = append(unresolved, u...)
		return v, nil
	}
	switch c := cmd.(type) {
	case *instructions.ArgCommand:
		in.Vars = b.args(in, c, b.env, b.global)
		return
	case *instructions.EnvCommand:
		raw := slices.Clone(c.Env)
		_ = c.Expand(expander)
		for i, kv := range c.Env {
			in.Vars = append(in.Vars, Var{Name: kv.Key, Raw: raw[i].Value, Value: kv.Value, HasValue: true, Line: in.StartLine})
			b.env.set(kv.Key, kv.Value)
		}
	case *instructions.ExposeCommand:
		for _, p := range c.Ports {
			v, _ := expander(p)
			for _, word := range strings.Fields(v) {
				if port, ok := parsePort(word); ok {
					port.Raw = p
					in.Ports = append(in.Ports, port)
				}
			}
		}
	case *instructions.ShellCommand:
		b.shell = c.Shell
	case *instructions.RunCommand:
		_ = c.Expand(expander)
		in.Pipelines = b.walker.run(in, c, posixShell(b.shell))
		b.bud.commands(in.Pipelines)
	case instructions.SupportsSingleWordExpansion:
		_ = c.Expand(expander)
	}
	in.Unresolved = sortedSet(unresolved)
}

// args records ARG declarations into e. An ARG without a default inside a
// stage takes the global ARG's default, as BuildKit does.
func (b *builder) args(in *Instruction, c *instructions.ArgCommand, e, global *env) []Var {
	var out []Var
	var unresolved []string
	for _, kv := range c.Args {
		v := Var{Name: kv.Key, Line: in.StartLine}
		if kv.Value != nil {
			var u []string
			v.Raw, v.HasValue = *kv.Value, true
			v.Value, u = b.expand(*kv.Value, e)
			unresolved = append(unresolved, u...)
			e.set(kv.Key, v.Value)
		} else if global != nil {
			if gv, ok := global.Get(kv.Key); ok {
				e.set(kv.Key, gv)
			}
		}
		out = append(out, v)
	}
	in.Unresolved = sortedSet(unresolved)
	return out
}

// expand expands variables in word the way BuildKit does (quote removal
// included) and returns the names it found no value for and whose value
// would change the result: $X and ${X} count, ${X:-default} does not, as
// the default is what a build gets, like an ARG default. A word BuildKit
// would refuse (e.g. ${X:?message}) is returned as written.
func (b *builder) expand(word string, e *env) (string, []string) {
	if !strings.ContainsAny(word, `$"'\`+"`") {
		return word, nil
	}
	if !b.bud.nested(word) {
		return word, nil // the parse stops with the budget error
	}
	res, err := b.lex.ProcessWordWithMatches(word, e)
	if err != nil {
		return word, []string{word}
	}
	if len(res.Unmatched) == 0 {
		return res.Result, nil
	}
	var u []string
	for _, m := range varRef.FindAllStringSubmatch(word, -1) {
		name, op := m[1]+m[2], m[3]
		if _, unmatched := res.Unmatched[name]; !unmatched {
			continue
		}
		if m[1] != "" || !(op == ":-" || op == "-" || op == ":=" || op == "=") {
			u = append(u, name)
		}
	}
	return res.Result, u
}

// varRef matches $NAME (group 1) and ${NAME (group 2) with the operator
// that follows the name (group 3).
var varRef = regexp.MustCompile(`\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+=?]|[#%/}]|))`)

// parsePort parses "80", "80/udp" or "8000-8010/tcp".
func parsePort(s string) (Port, bool) {
	num, proto, _ := strings.Cut(s, "/")
	p := Port{Protocol: strings.ToLower(proto)}
	if p.Protocol == "" {
		p.Protocol = "tcp"
	}
	lo, hi, isRange := strings.Cut(num, "-")
	var err error
	if p.Number, err = strconv.Atoi(lo); err != nil || p.Number < 0 || p.Number > 65535 {
		return Port{}, false
	}
	if isRange {
		if p.End, err = strconv.Atoi(hi); err != nil || p.End < p.Number || p.End > 65535 {
			return Port{}, false
		}
	}
	return p, true
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	return slices.Compact(s)
}

// env is a set of variables for BuildKit's shell lexer.
type env struct {
	vals map[string]string
	keys []string
}

func newEnv() *env { return &env{vals: map[string]string{}} }

func (e *env) set(k, v string) {
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

// Get implements shell.EnvGetter.
func (e *env) Get(k string) (string, bool) {
	v, ok := e.vals[k]
	return v, ok
}

// Keys implements shell.EnvGetter.
func (e *env) Keys() []string { return e.keys }
