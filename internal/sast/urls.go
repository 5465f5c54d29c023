package sast

import (
	"bytes"
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// urlRef is a URL written in code or configuration, the subject of the
// plain-HTTP check.
type urlRef struct {
	// URL is the URL as written.
	URL string
	// Line is its 1-based line.
	Line int
}

// endpointExts are the extensions of code and configuration files whose
// http:// URLs are endpoints the program talks to. Go files are covered
// through their syntax tree.
var endpointExts = set(".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".py", ".rb", ".java", ".kt",
	".cs", ".php", ".rs", ".scala", ".yaml", ".yml", ".toml", ".ini", ".conf", ".cfg", ".properties",
	".env", ".json", ".tf", ".tfvars", ".hcl")

// notEndpointFiles are manifests and lock files whose URLs are metadata
// (homepages, registries), not endpoints.
var notEndpointFiles = set("package.json", "package-lock.json", "composer.json", "composer.lock",
	"tsconfig.json", "jsconfig.json", "bower.json", "Pipfile.lock", "poetry.lock", "Cargo.lock",
	"yarn.lock", "pnpm-lock.yaml", "renovate.json", ".eslintrc.json", "app.json", "manifest.json",
	"devcontainer.json", ".pre-commit-config.yaml", "Chart.lock")

// endpointFile reports whether the plain-HTTP check reads p.
func endpointFile(p string) bool {
	base := path.Base(p)
	if notEndpointFiles[base] || strings.HasSuffix(base, ".min.js") || strings.HasSuffix(base, ".lock") ||
		strings.Contains(p, ".github/") || strings.HasPrefix(base, "CHANGELOG") {
		return false
	}
	if base == ".env" || strings.HasPrefix(base, ".env.") {
		return true
	}
	return endpointExts[path.Ext(base)]
}

// httpURL finds http:// URLs in text.
var httpURL = regexp.MustCompile(`(?i)\bhttp://[^\s"'<>` + "`" + `\\)\]},;|]+`)

// textURLs returns the http:// URLs of a code or configuration file, one
// line at a time, leaving out comment lines and lines that declare XML
// namespaces or schemas.
func textURLs(data []byte) []urlRef {
	var out []urlRef
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(l) > 4096 || !bytes.Contains(bytes.ToLower(l), []byte("http://")) {
			continue
		}
		t := bytes.TrimSpace(l)
		if commentLine(t) || nonEndpointLine(t) {
			continue
		}
		for _, u := range httpURL.FindAll(l, -1) {
			out = append(out, urlRef{URL: string(u), Line: line})
		}
	}
	return out
}

func commentLine(t []byte) bool {
	for _, p := range []string{"#", "//", "/*", "*", "<!--", ";", "--"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return true
		}
	}
	return false
}

// nonEndpointLine reports lines whose URLs are identifiers, not endpoints.
func nonEndpointLine(t []byte) bool {
	l := bytes.ToLower(t)
	for _, w := range []string{"xmlns", "$schema", "<!doctype", "\"$id\"", "licen", "namespace"} {
		if bytes.Contains(l, []byte(w)) {
			return true
		}
	}
	return false
}

// goURLs returns the http:// URLs of the string literals of a Go file,
// leaving out imports and struct tags.
func goURLs(fset *token.FileSet, f *ast.File) []urlRef {
	var out []urlRef
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.Field:
			return n.Tag == nil
		case *ast.BasicLit:
			if n.Kind != token.STRING || !strings.Contains(strings.ToLower(n.Value), "http://") {
				return false
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				return false
			}
			line := fset.Position(n.Pos()).Line
			raw := n.Value[0] == '`'
			for _, m := range httpURL.FindAllStringIndex(s, -1) {
				l := line
				if raw {
					l += strings.Count(s[:m[0]], "\n")
				}
				out = append(out, urlRef{URL: s[m[0]:m[1]], Line: l})
			}
		}
		return true
	})
	return out
}

// urlFindings evaluates the URL checks over the URLs of one file.
func (s *Scanner) urlFindings(p string, refs []urlRef) []finding.Finding {
	var out []finding.Finding
	for _, r := range refs {
		for _, c := range s.urlc {
			for _, v := range c.Eval(r) {
				out = append(out, c.Finding(finding.Resource{Kind: "file", Name: p}, finding.Location{Path: p, StartLine: r.Line}, v))
			}
		}
	}
	return out
}
