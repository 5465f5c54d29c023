package sast

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/securego/gosec/v2"
	"github.com/securego/gosec/v2/issue"
	"github.com/securego/gosec/v2/rules"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/progress"
	"github.com/fourc-dev/fourc/internal/source"
)

// gosecIssue is what a gosec rule reported, the subject of the checks that
// map gosec rules.
type gosecIssue struct {
	// Rule is gosec's rule ID, e.g. "G402".
	Rule string
	// What is gosec's description of this issue, e.g. "TLS MinVersion too low.".
	What string
	// Line is the 1-based line of the issue.
	Line int
	// Code is the text of that line, trimmed.
	Code string
}

// scanGo analyses Go files.
func (s *Scanner) scanGo(ctx context.Context, fsys fs.FS, files []string) ([]finding.Finding, []finding.Skipped) {
	var out []finding.Finding
	all, skipped := s.loadGo(ctx, fsys, files)
	progress.Label(ctx, "running the Go security rules")
	for _, l := range all {
		f, sk := s.checkGo(fsys, l)
		out = append(out, f...)
		skipped = append(skipped, sk...)
	}
	return out, skipped
}

// checkGo runs the gosec rules and fourc's own syntax checks over loaded
// packages.
func (s *Scanner) checkGo(fsys fs.FS, l *loaded) ([]finding.Finding, []finding.Skipped) {
	var out []finding.Finding
	issues, skipped := runGosec(l)
	lines := lineCache{fsys: fsys, files: map[string][][]byte{}}
	for _, is := range issues {
		rel, ok := l.rel[is.File]
		if !ok {
			continue
		}
		line := issueLine(is.Line)
		sub := gosecIssue{Rule: is.RuleID, What: is.What, Line: line, Code: lines.text(rel, line)}
		for _, c := range s.goc {
			for _, v := range c.Eval(sub) {
				out = append(out, c.Finding(finding.Resource{Kind: "file", Name: rel}, finding.Location{Path: rel, StartLine: line}, v))
			}
		}
	}
	for _, p := range l.pkgs {
		for _, f := range p.Syntax {
			rel, ok := l.rel[p.Fset.File(f.Pos()).Name()]
			if !ok {
				continue
			}
			out = append(out, s.logFindings(rel, goLogCalls(p.Fset, f))...)
			out = append(out, s.urlFindings(rel, goURLs(p.Fset, f))...)
		}
	}
	return out, skipped
}

// gosecRules are the gosec rules that fourc checks map.
func gosecRules(checks []goCheck) []string {
	var ids []string
	for _, c := range checks {
		ids = append(ids, c.Rules...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// runGosec runs the mapped gosec rules over every package. A rule that
// panics on a package (gosec's rules assume complete type information)
// loses that package only.
func runGosec(l *loaded) ([]*issue.Issue, []finding.Skipped) {
	an := gosec.NewAnalyzer(gosec.NewConfig(), false, true, false, 1, log.New(io.Discard, "", 0))
	rl := rules.Generate(false, rules.NewRuleFilter(false, gosecRules(gosecChecks())...))
	an.LoadRules(rl.RulesInfo())
	var skipped []finding.Skipped
	for _, p := range l.pkgs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					where := p.PkgPath
					if len(p.Syntax) > 0 {
						if rel, ok := l.rel[p.Fset.File(p.Syntax[0].Pos()).Name()]; ok {
							where = path.Dir(rel)
						}
					}
					skipped = append(skipped, finding.Skipped{Path: where, Scanner: ScannerName, Reason: fmt.Sprintf("gosec rules stopped on package %s: %v", p.Name, r)})
				}
			}()
			if p.TypesInfo == nil || p.Types == nil {
				return
			}
			an.CheckRules(p)
		}()
	}
	issues, _, _ := an.Report()
	return issues, skipped
}

// issueLine parses gosec's line field, "12" or "12-14".
func issueLine(s string) int {
	first, _, _ := strings.Cut(s, "-")
	n, err := strconv.Atoi(first)
	if err != nil {
		return 0
	}
	return n
}

// lineCache reads the lines of files on demand.
type lineCache struct {
	fsys  fs.FS
	files map[string][][]byte
}

func (c *lineCache) text(p string, line int) string {
	lines, ok := c.files[p]
	if !ok {
		data, err := source.ReadFile(c.fsys, p, maxSourceSize)
		if err == nil {
			lines = bytes.Split(data, []byte("\n"))
		}
		c.files[p] = lines
	}
	if line < 1 || line > len(lines) {
		return ""
	}
	return string(bytes.TrimSpace(lines[line-1]))
}
