package dockerfile

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"mvdan.cc/sh/v3/syntax"
)

// maxScriptDepth bounds how deep nested scripts (`sh -c "..."`, heredocs
// fed to a shell) are followed.
const maxScriptDepth = 4

// shells are the POSIX-like shells whose scripts the model parses.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "ksh": true, "mksh": true}

// posixShell reports whether a SHELL instruction's command is a POSIX-like
// shell, so that shell-form RUN code can be parsed as such.
func posixShell(sh []string) bool {
	return len(sh) > 0 && shells[path.Base(sh[0])]
}

// run finds the shell commands a RUN instruction executes.
func (w *scriptWalker) run(in *Instruction, run *instructions.RunCommand, posix bool) []Pipeline {
	w.out = nil
	if !run.PrependShell {
		// Exec form: the words are the command, unless it is `sh -c SCRIPT`.
		cmd := ShellCommand{Args: run.CmdLine, Line: in.StartLine}
		if script, ok := shellScriptArg(cmd.Args); ok {
			w.script(script, func(int) int { return in.StartLine }, 1)
		} else if len(cmd.Args) > 0 {
			w.out = append(w.out, Pipeline{cmd})
		}
		return w.out
	}
	if !posix || len(run.CmdLine) == 0 {
		return nil
	}
	// Shell form: the command line, then each heredoc body and terminator,
	// is exactly the script the shell runs. Line 1 is the instruction's
	// (continuations joined); the rest maps back onto the heredoc lines.
	var b strings.Builder
	b.WriteString(strings.Join(run.CmdLine, " "))
	b.WriteByte('\n')
	for _, f := range run.Files {
		b.WriteString(f.Data)
		if f.Data != "" && !strings.HasSuffix(f.Data, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString(f.Name)
		b.WriteByte('\n')
	}
	src := b.String()
	total := strings.Count(src, "\n")
	w.script(src, func(l int) int {
		if l <= 1 || len(run.Files) == 0 {
			return in.StartLine
		}
		return max(in.StartLine, min(in.EndLine, in.EndLine-total+l))
	}, 0)
	return w.out
}

// scriptWalker collects pipelines from shell scripts, within the budget
// of the file they come from. One walker serves a whole file.
type scriptWalker struct {
	bud    *budget
	parser *syntax.Parser
	out    []Pipeline
}

func newScriptWalker(bud *budget) *scriptWalker {
	return &scriptWalker{bud: bud, parser: syntax.NewParser(syntax.Variant(syntax.LangBash))}
}

// script parses src as a bash script and records its commands; line maps
// a line of src to a Dockerfile line. Unparsable code, and code too long
// or too chained for the recursive parser and walker (see maxScriptBytes),
// falls back to a quote-aware split on shell operators. Code nested deeper
// than the depth budget, or past the file's parsing budget, stops the
// parse of the file with a budget error.
func (w *scriptWalker) script(src string, line func(int) int, depth int) {
	if depth > maxScriptDepth || !w.bud.spend(len(src)) {
		return
	}
	if len(src) > maxScriptBytes || chain(src) > maxChain {
		w.out = append(w.out, splitPipelines(src, line)...)
		return
	}
	if !w.bud.nested(src) {
		return
	}
	f, err := w.parser.Parse(strings.NewReader(src), "")
	if err != nil {
		w.out = append(w.out, splitPipelines(src, line)...)
		return
	}
	inPipe := map[syntax.Node]bool{}
	stmtOf := map[syntax.Command]*syntax.Stmt{}
	syntax.Walk(f, func(n syntax.Node) bool {
		if w.bud.err != nil {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Cmd == nil {
				w.heredocScripts(n, src, line, depth)
			} else {
				stmtOf[n.Cmd] = n
			}
		case *syntax.BinaryCmd:
			if !isPipe(n.Op) || inPipe[n] {
				return true
			}
			var p Pipeline
			stages := pipeStages(n, inPipe)
			for _, st := range stages {
				if call, ok := st.Cmd.(*syntax.CallExpr); ok {
					inPipe[call] = true
					p = append(p, w.command(call, src, line))
				} else {
					// A subshell or block inside a pipe: keep its place.
					p = append(p, ShellCommand{Line: line(int(st.Pos().Line()))})
				}
			}
			w.out = append(w.out, p)
			for i, st := range stages {
				if _, ok := st.Cmd.(*syntax.CallExpr); ok {
					w.nested(p[i], st, src, line, depth)
				}
			}
		case *syntax.CallExpr:
			if !inPipe[n] {
				c := w.command(n, src, line)
				w.out = append(w.out, Pipeline{c})
				w.nested(c, stmtOf[n], src, line, depth)
			}
		}
		return true
	})
}

func isPipe(op syntax.BinCmdOperator) bool {
	return op == syntax.Pipe || op == syntax.PipeAll
}

// pipeStages flattens `a | b | c` into its stages, marking inner pipe nodes.
func pipeStages(n *syntax.BinaryCmd, seen map[syntax.Node]bool) []*syntax.Stmt {
	var out []*syntax.Stmt
	for _, side := range []*syntax.Stmt{n.X, n.Y} {
		if bc, ok := side.Cmd.(*syntax.BinaryCmd); ok && isPipe(bc.Op) && len(side.Redirs) == 0 {
			seen[bc] = true
			out = append(out, pipeStages(bc, seen)...)
			continue
		}
		out = append(out, side)
	}
	return out
}

// command turns a call into a ShellCommand.
func (w *scriptWalker) command(call *syntax.CallExpr, src string, line func(int) int) ShellCommand {
	c := ShellCommand{Line: line(int(call.Pos().Line()))}
	for _, word := range call.Args {
		c.Args = append(c.Args, wordText(word, src))
	}
	for _, a := range call.Assigns {
		if a.Name != nil {
			c.Assigns = append(c.Assigns, a.Name.Value+"="+wordText(a.Value, src))
		}
	}
	return c
}

// nested follows the code a command runs itself: `sh -c SCRIPT`, and
// heredocs fed to a shell by its statement st (which may be nil).
func (w *scriptWalker) nested(c ShellCommand, st *syntax.Stmt, src string, line func(int) int, depth int) {
	if script, ok := shellScriptArg(unwrap(c.Args)); ok {
		w.script(script, func(int) int { return c.Line }, depth+1)
	}
	if st != nil {
		w.heredocScripts(st, src, line, depth)
	}
}

// heredocScripts follows heredocs that a shell executes: a bare `<<EOF`
// (BuildKit runs its body as the script) or one fed to `sh`/`bash`.
func (w *scriptWalker) heredocScripts(st *syntax.Stmt, src string, line func(int) int, depth int) {
	runsStdin := st.Cmd == nil
	if call, ok := st.Cmd.(*syntax.CallExpr); ok {
		args := make([]string, len(call.Args))
		for i, word := range call.Args {
			args[i] = wordText(word, src)
		}
		args = unwrap(args)
		if len(args) > 0 && shells[path.Base(args[0])] {
			runsStdin = true
			for _, a := range args[1:] {
				if !strings.HasPrefix(a, "-") {
					runsStdin = false // a script file or -c operand
				}
			}
		}
	}
	if !runsStdin {
		return
	}
	for _, r := range st.Redirs {
		if (r.Op != syntax.Hdoc && r.Op != syntax.DashHdoc) || r.Hdoc == nil || !r.Hdoc.Pos().IsValid() {
			continue
		}
		start, end := int(r.Hdoc.Pos().Offset()), int(r.Hdoc.End().Offset())
		if start < 0 || end > len(src) || start >= end {
			continue
		}
		body := dropTerminator(src[start:end], wordText(r.Word, src))
		if st.Cmd == nil && strings.HasPrefix(body, "#!") && !shells[shebangInterpreter(body)] {
			continue
		}
		first := int(r.Hdoc.Pos().Line())
		w.script(body, func(l int) int { return line(first + l - 1) }, depth+1)
	}
}

// dropTerminator removes a trailing delimiter line the parser may include
// in a heredoc body.
func dropTerminator(body, delim string) string {
	i := strings.LastIndexByte(strings.TrimRight(body, "\n"), '\n')
	last := body[i+1:]
	if strings.TrimLeft(strings.TrimRight(last, "\n"), "\t") == delim {
		return body[:i+1]
	}
	return body
}

// shebangInterpreter returns the base name of the program a `#!` line
// runs, looking through `/usr/bin/env`.
func shebangInterpreter(body string) string {
	first, _, _ := strings.Cut(body[2:], "\n")
	fields := strings.Fields(first)
	if len(fields) == 0 {
		return ""
	}
	if path.Base(fields[0]) == "env" {
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "-") {
				return path.Base(f)
			}
		}
		return ""
	}
	return path.Base(fields[0])
}

// shellScriptArg returns SCRIPT from `sh [options] -c SCRIPT ...`.
func shellScriptArg(args []string) (string, bool) {
	if len(args) < 3 || !shells[path.Base(args[0])] {
		return "", false
	}
	for i := 1; i < len(args)-1; i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "+o":
			i++
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "c"):
			return args[i+1], true
		case !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "+"):
			return "", false
		}
	}
	return "", false
}

// wordText renders a shell word: literal and quoted parts without their
// quotes, expansions ($VAR, $(cmd), <(cmd)) as written.
func wordText(w *syntax.Word, src string) string {
	if w == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range w.Parts {
		partText(&b, p, src)
	}
	return b.String()
}

func partText(b *strings.Builder, p syntax.WordPart, src string) {
	switch p := p.(type) {
	case *syntax.Lit:
		b.WriteString(p.Value)
	case *syntax.SglQuoted:
		b.WriteString(p.Value)
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			partText(b, q, src)
		}
	default:
		start, end := int(p.Pos().Offset()), int(p.End().Offset())
		if start >= 0 && end <= len(src) && start <= end {
			b.WriteString(src[start:end])
		}
	}
}

// wrappers are commands that run their arguments as another command,
// with their options that take a separate value.
var wrappers = map[string]map[string]bool{
	"sudo":    {"-u": true, "-g": true, "-C": true, "-h": true, "-p": true, "-r": true, "-t": true, "-U": true, "-D": true, "-R": true, "-T": true},
	"doas":    {"-u": true, "-C": true},
	"env":     {"-u": true, "-C": true, "-S": true},
	"nohup":   {},
	"time":    {"-f": true, "-o": true},
	"exec":    {"-a": true},
	"command": {},
	"nice":    {"-n": true},
	"ionice":  {"-c": true, "-n": true, "-p": true},
	"stdbuf":  {"-i": true, "-o": true, "-e": true},
	"xargs":   {"-I": true, "-L": true, "-n": true, "-P": true, "-d": true, "-s": true, "-E": true, "-a": true},
}

// unwrap strips leading wrappers (sudo, env VAR=x, nohup, xargs, …) with
// their options and returns the command that really runs.
func unwrap(args []string) []string {
	for {
		inner, ok := unwrapOnce(args)
		if !ok {
			return args
		}
		args = inner
	}
}

// unwrapOnce strips one wrapper, if args start with one.
func unwrapOnce(args []string) ([]string, bool) {
	if len(args) == 0 {
		return args, false
	}
	w := path.Base(args[0])
	opts, ok := wrappers[w]
	if !ok {
		return args, false
	}
	args = args[1:]
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--":
			return args[1:], true
		case strings.HasPrefix(a, "-"):
			args = args[1:]
			if opts[a] && len(args) > 0 {
				args = args[1:]
			}
		case w == "env" && strings.Contains(a, "="):
			args = args[1:]
		default:
			return args, true
		}
	}
	return args, true
}

// splitPipelines is the fallback for code the shell parser rejects: it
// splits on ; && || & and newlines into commands and on | into pipelines,
// honouring quotes.
func splitPipelines(src string, line func(int) int) []Pipeline {
	sp := &pipeSplit{line: line, ln: 1}
	var q rune
	rs := []rune(src)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case q != 0:
			if r == q {
				q = 0
			} else {
				sp.word.WriteRune(r)
			}
			if r == '\n' {
				sp.ln++
			}
		case r == '\'' || r == '"':
			q, sp.in = r, true
		case r == '\\' && i+1 < len(rs):
			i++
			if rs[i] == '\n' {
				sp.ln++
				continue
			}
			sp.word.WriteRune(rs[i])
			sp.in = true
		case r == '|' && (i+1 >= len(rs) || rs[i+1] != '|'):
			sp.flushCmd()
		case r == '|' || r == '&' || r == ';' || r == '\n':
			sp.flushPipe()
			if r == '\n' {
				sp.ln++
			}
			if i+1 < len(rs) && rs[i+1] == r && r != '\n' {
				i++
			}
		case r == ' ' || r == '\t' || r == '\r':
			sp.flushWord()
		default:
			sp.word.WriteRune(r)
			sp.in = true
		}
	}
	sp.flushPipe()
	return sp.out
}

// pipeSplit is the state of splitPipelines: the pipelines done, the one
// being read, the arguments of its current command and the current word.
type pipeSplit struct {
	line func(int) int
	out  []Pipeline
	cur  Pipeline
	args []string
	word strings.Builder
	in   bool // inside a word
	ln   int
}

func (sp *pipeSplit) flushWord() {
	if sp.in {
		sp.args = append(sp.args, sp.word.String())
		sp.word.Reset()
		sp.in = false
	}
}

func (sp *pipeSplit) flushCmd() {
	sp.flushWord()
	if len(sp.args) > 0 {
		sp.cur = append(sp.cur, ShellCommand{Args: sp.args, Line: sp.line(sp.ln)})
		sp.args = nil
	}
}

func (sp *pipeSplit) flushPipe() {
	sp.flushCmd()
	if len(sp.cur) > 0 {
		sp.out = append(sp.out, sp.cur)
		sp.cur = nil
	}
}
