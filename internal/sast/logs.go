package sast

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// logCall is one call to a logger found in source code, the subject of the
// sensitive-logging check. It is language-neutral: a language's
// [logLanguage] fills it in.
type logCall struct {
	// Func is the call as written, e.g. "log.Printf" or "logger.Info".
	Func string
	// Line is the 1-based line of the call.
	Line int
	// Values are the values the call writes, each with the name it goes by.
	Values []loggedValue
}

// loggedValue is one value a logging call writes.
type loggedValue struct {
	// Name is what the value is called: a variable or field name
	// ("dbPassword", "APIKey"), the key of a key/value pair or map entry
	// ("token"), or a word of the format string before its verb.
	Name string
	// Expr is how the value appears in the call, e.g. "cfg.APIKey".
	Expr string
}

// logLanguage finds the logging calls in the sources of one language. A
// language is added by implementing it and listing it in [logLanguages];
// the check itself (what names are sensitive) is shared.
type logLanguage interface {
	// wants is a cheap filter on a file's path.
	wants(path string) bool
	// calls returns the logging calls of one source file; an error means
	// the file could not be parsed.
	calls(path string, src []byte) ([]logCall, error)
}

// logLanguages lists the languages with a log analyser.
func logLanguages() []logLanguage { return []logLanguage{goLogs{}} }

// goLogs finds logging calls in Go with the syntax tree alone, resolving
// package names through the file's imports.
type goLogs struct{}

func (goLogs) wants(p string) bool { return isGoSource(p) }

func (goLogs) calls(p string, src []byte) ([]logCall, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return goLogCalls(fset, f), nil
}

// logPackages maps the import paths of logging packages to the functions of
// theirs that log (or attach values to a logger). An empty set means any
// function of the package.
var logPackages = map[string]map[string]bool{
	"log": set("Print", "Printf", "Println", "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"),
	"log/slog": set("Debug", "Info", "Warn", "Error", "Log", "LogAttrs", "DebugContext", "InfoContext",
		"WarnContext", "ErrorContext", "With"),
	"fmt":                           set("Print", "Printf", "Println"),
	"github.com/sirupsen/logrus":    nil,
	"go.uber.org/zap":               set("L", "S"),
	"github.com/rs/zerolog/log":     nil,
	"k8s.io/klog/v2":                nil,
	"k8s.io/klog":                   nil,
	"github.com/golang/glog":        nil,
	"github.com/hashicorp/go-hclog": nil,
}

// fieldConstructors are functions that pair a key with a value for a
// structured logger: zap.String("token", t), slog.Any("password", p).
var fieldConstructors = map[string]map[string]bool{
	"go.uber.org/zap": set("String", "Any", "ByteString", "Stringer", "Reflect", "Binary", "Strings", "Object"),
	"log/slog":        set("String", "Any", "Attr", "Group"),
}

// logMethods are method names that log, or attach values to a log entry,
// when called on something that looks like a logger.
var logMethods = set(
	"Print", "Printf", "Println", "Trace", "Tracef", "Debug", "Debugf", "Debugw", "Debugln",
	"Info", "Infof", "Infow", "Infoln", "InfoS", "Warn", "Warnf", "Warnw", "Warnln", "Warning", "Warningf",
	"Error", "Errorf", "Errorw", "Errorln", "ErrorS", "Fatal", "Fatalf", "Fatalw", "Fatalln",
	"Panic", "Panicf", "Panicw", "Panicln", "Log", "Logf", "LogAttrs", "With", "WithField", "WithFields",
	"DebugContext", "InfoContext", "WarnContext", "ErrorContext",
	// zerolog events
	"Str", "Strs", "Interface", "Any", "Bytes", "Hex", "RawJSON", "Stringer", "Msg", "Msgf",
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// goLogCalls returns the logging calls of one parsed Go file.
func goLogCalls(fset *token.FileSet, f *ast.File) []logCall {
	imports := map[string]string{} // local name → import path
	for _, im := range f.Imports {
		p := importPath(im)
		name := guessName(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		if name != "_" && name != "." {
			imports[name] = p
		}
	}
	g := goLogWalker{imports: imports}
	var out []logCall
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := g.loggingFunc(call)
		if !ok {
			return true
		}
		args := call.Args
		if (fn == "fmt.Fprint" || fn == "fmt.Fprintf" || fn == "fmt.Fprintln") && len(args) > 0 {
			args = args[1:]
		}
		var vals []loggedValue
		seen := map[string]bool{}
		add := func(v loggedValue) {
			if v.Name == "" || seen[v.Name+"\x00"+v.Expr] {
				return
			}
			seen[v.Name+"\x00"+v.Expr] = true
			vals = append(vals, v)
		}
		for i, a := range args {
			if s, ok := stringLit(a); ok {
				// A key of a key/value pair: "password", pw.
				if i+1 < len(args) && keyLike.MatchString(s) {
					if _, lit := args[i+1].(*ast.BasicLit); !lit {
						add(loggedValue{Name: s, Expr: exprString(args[i+1])})
					}
				}
				// A format string naming what its verb prints: "token=%s".
				for _, m := range formatName.FindAllStringSubmatch(s, -1) {
					add(loggedValue{Name: m[1], Expr: strconv.Quote(strings.TrimSpace(m[0]))})
				}
				continue
			}
			for _, v := range g.values(a) {
				add(v)
			}
		}
		if len(vals) > 0 {
			out = append(out, logCall{Func: fn, Line: fset.Position(call.Pos()).Line, Values: vals})
		}
		return true
	})
	return out
}

// keyLike matches a string that can be the key of a key/value log pair.
var keyLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,40}$`)

// formatName finds "name=%v" or "name: %s" in a format string.
var formatName = regexp.MustCompile(`([A-Za-z][A-Za-z0-9_-]{1,40})\s*[:=]\s*%[-+# 0-9.]*[svqxXd]`)

type goLogWalker struct {
	imports map[string]string
}

// loggingFunc reports whether call logs, and how it is written.
func (g goLogWalker) loggingFunc(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	name := sel.Sel.Name
	if id, ok := sel.X.(*ast.Ident); ok {
		if p, ok := g.imports[id.Name]; ok {
			fns, known := logPackages[p]
			switch {
			case p == "fmt" && (name == "Fprint" || name == "Fprintf" || name == "Fprintln"):
				return "fmt." + name, len(call.Args) > 0 && g.stdStream(call.Args[0])
			case known && (fns == nil || fns[name]):
				return id.Name + "." + name, true
			}
			return "", false
		}
	}
	if !logMethods[name] || !g.loggerExpr(sel.X, 0) {
		return "", false
	}
	return exprString(sel.X) + "." + name, true
}

// stdStream reports whether e is os.Stdout or os.Stderr.
func (g goLogWalker) stdStream(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && g.imports[id.Name] == "os" && (sel.Sel.Name == "Stdout" || sel.Sel.Name == "Stderr")
}

// loggerExpr reports whether e looks like a logger: a variable or field
// whose name says so (logger, log, s.log, zl), a logging package's
// constructor (zap.L(), logrus.WithField(...)), or a chain of calls on one
// (log.Info().Str(...)).
func (g goLogWalker) loggerExpr(e ast.Expr, depth int) bool {
	if depth > 16 {
		return false
	}
	switch e := e.(type) {
	case *ast.Ident:
		if p, ok := g.imports[e.Name]; ok {
			_, known := logPackages[p]
			return known
		}
		return loggerName(e.Name)
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if p, ok := g.imports[id.Name]; ok {
				_, known := logPackages[p]
				return known
			}
		}
		return loggerName(e.Sel.Name)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			return g.loggerExpr(sel.X, depth+1)
		}
	case *ast.ParenExpr:
		return g.loggerExpr(e.X, depth+1)
	case *ast.StarExpr:
		return g.loggerExpr(e.X, depth+1)
	}
	return false
}

// loggerName reports whether a variable or field name denotes a logger.
func loggerName(n string) bool {
	l := strings.ToLower(n)
	return strings.Contains(l, "log") && !strings.Contains(l, "catalog") && !strings.Contains(l, "dialog") ||
		l == "lg" || l == "zl" || l == "sugar"
}

// values returns the named values an argument expression writes. Values
// passed through a function other than a conversion or a formatter (len,
// redact, hash) are not followed, and neither are slices (token[:4]).
func (g goLogWalker) values(e ast.Expr) []loggedValue {
	switch e := e.(type) {
	case *ast.Ident:
		if e.Name == "nil" || e.Name == "true" || e.Name == "false" || e.Name == "_" {
			return nil
		}
		return []loggedValue{{Name: e.Name, Expr: e.Name}}
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if _, pkg := g.imports[id.Name]; pkg {
				return nil // a package-level name of another package: os.Args, http.MethodGet
			}
		}
		return []loggedValue{{Name: e.Sel.Name, Expr: exprString(e)}}
	case *ast.ParenExpr:
		return g.values(e.X)
	case *ast.StarExpr:
		return g.values(e.X)
	case *ast.UnaryExpr:
		return g.values(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return nil
		}
		return append(g.values(e.X), g.values(e.Y)...)
	case *ast.IndexExpr:
		if s, ok := stringLit(e.Index); ok {
			return []loggedValue{{Name: s, Expr: exprString(e)}}
		}
	case *ast.CompositeLit:
		var out []loggedValue
		for _, el := range e.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if s, ok := stringLit(kv.Key); ok {
				out = append(out, loggedValue{Name: s, Expr: exprString(kv.Value)})
			} else if id, ok := kv.Key.(*ast.Ident); ok {
				out = append(out, loggedValue{Name: id.Name, Expr: exprString(kv.Value)})
			}
			out = append(out, g.values(kv.Value)...)
		}
		return out
	case *ast.CallExpr:
		return g.callValues(e)
	}
	return nil
}

// callValues follows conversions (string(b)), formatters (fmt.Sprintf) and
// structured-logging field constructors (zap.String("token", t)).
func (g goLogWalker) callValues(call *ast.CallExpr) []loggedValue {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		if (fn.Name == "string" || fn.Name == "any") && len(call.Args) == 1 {
			return g.values(call.Args[0])
		}
	case *ast.ArrayType:
		if len(call.Args) == 1 {
			return g.values(call.Args[0])
		}
	case *ast.SelectorExpr:
		id, ok := fn.X.(*ast.Ident)
		if !ok {
			return nil
		}
		p := g.imports[id.Name]
		if p == "fmt" && strings.HasPrefix(fn.Sel.Name, "Sprint") {
			var out []loggedValue
			for _, a := range call.Args {
				if s, ok := stringLit(a); ok {
					for _, m := range formatName.FindAllStringSubmatch(s, -1) {
						out = append(out, loggedValue{Name: m[1], Expr: strconv.Quote(strings.TrimSpace(m[0]))})
					}
					continue
				}
				out = append(out, g.values(a)...)
			}
			return out
		}
		if fieldConstructors[p][fn.Sel.Name] && len(call.Args) >= 2 {
			if s, ok := stringLit(call.Args[0]); ok {
				out := []loggedValue{{Name: s, Expr: exprString(call.Args[1])}}
				return append(out, g.values(call.Args[1])...)
			}
		}
	}
	return nil
}

// stringLit returns the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// exprString renders a short expression (identifiers, selectors, calls)
// for a message; anything else is elided.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		if len(e.Args) == 0 {
			return exprString(e.Fun) + "()"
		}
		return exprString(e.Fun) + "(…)"
	case *ast.ParenExpr:
		return "(" + exprString(e.X) + ")"
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.UnaryExpr:
		return e.Op.String() + exprString(e.X)
	case *ast.IndexExpr:
		if s, ok := stringLit(e.Index); ok {
			return exprString(e.X) + "[" + strconv.Quote(s) + "]"
		}
		return exprString(e.X) + "[…]"
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return `"…"`
		}
		return e.Value
	}
	return "…"
}

// logFindings evaluates the log checks over the calls of one file.
func (s *Scanner) logFindings(p string, calls []logCall) []finding.Finding {
	var out []finding.Finding
	for _, c := range calls {
		for _, ch := range s.logc {
			for _, v := range ch.Eval(c) {
				out = append(out, ch.Finding(finding.Resource{Kind: "file", Name: p}, finding.Location{Path: p, StartLine: c.Line}, v))
			}
		}
	}
	return out
}
