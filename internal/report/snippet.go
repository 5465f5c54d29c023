package report

import (
	"bytes"
	"io"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/source"
)

// Limits of the source snippets the HTML report shows. A snippet is a few
// lines around a finding's line, read from [Report.Files] and nothing else.
const (
	// snippetContext is how many lines a snippet shows before and after
	// the finding's lines.
	snippetContext = 3
	// snippetMaxLines caps one snippet, however long the finding's range.
	snippetMaxLines = 12
	// snippetMaxLineRunes cuts a long line (minified code, a base64 blob).
	snippetMaxLineRunes = 160
	// snippetMaxFileBytes is the largest file a snippet is taken from.
	snippetMaxFileBytes = 1 << 20
	// snippetBudgetBytes bounds what all the snippets of one report read
	// from disk; past it, findings are listed without a snippet.
	snippetBudgetBytes = 16 << 20
	// snippetBudgetText bounds the text all snippets add to the page.
	snippetBudgetText = 512 << 10
)

// maxFlaggedLines bounds the lines one credential finding's range masks
// (a private key block is some 30 lines).
const maxFlaggedLines = 200

// redactedValue replaces a value that a credential finding flags on a line
// when no secret rule locates the value itself.
const redactedValue = "‹redacted›"

// snippetLine is one line of a snippet, ready to print: tabs expanded,
// unsafe runes escaped, secrets redacted.
type snippetLine struct {
	N    int
	Text string
	// Hit marks the finding's own lines.
	Hit bool
}

// snippets reads source snippets for findings from a report's file tree.
// Every secret a rule of the secret scanner finds in a file is replaced
// by its redacted form ([secret.Redact]) before any line is kept, and on
// every line a credential finding of the scan points to (secret scanner,
// hard-coded credentials in Dockerfiles, manifests, IaC, code), the value
// after the first assignment is replaced as a whole: a snippet never
// prints a secret, whichever finding it is shown for.
type snippets struct {
	fsys   fs.FS
	flags  map[string]map[int]bool // path → lines that hold a credential
	files  map[string][]string     // path → redacted lines; nil when unreadable
	det    *secret.Detector
	detErr bool
	read   int // bytes read
	text   int // bytes of snippet text handed out
}

// newSnippets returns the snippet reader of r, or nil when r has no file
// tree to read from.
func newSnippets(r *Report) *snippets {
	if r.Files == nil {
		return nil
	}
	s := &snippets{fsys: r.Files, flags: map[string]map[int]bool{}, files: map[string][]string{}}
	// Every finding the scan kept, whether listed, filtered out by
	// --severity (still in the posture graph) or suppressed.
	all := slices.Clone(r.Findings)
	for _, sp := range r.Suppressed {
		all = append(all, sp.Finding)
	}
	if r.Posture != nil && r.Posture.Graph != nil {
		for _, n := range r.Posture.Graph.Nodes {
			all = append(all, n.Findings...)
		}
	}
	if r.Baseline != nil {
		all = append(all, r.Baseline.Fixed...)
	}
	for _, f := range all {
		if !credentialFinding(f) || f.Location.Path == "" || f.Location.StartLine <= 0 {
			continue
		}
		lines := s.flags[f.Location.Path]
		if lines == nil {
			lines = map[int]bool{}
			s.flags[f.Location.Path] = lines
		}
		end := max(f.Location.EndLine, f.Location.StartLine)
		end = min(end, f.Location.StartLine+maxFlaggedLines)
		for n := f.Location.StartLine; n <= end; n++ {
			lines[n] = true
		}
	}
	return s
}

// credentialCWEs are the weaknesses of checks whose findings point at a
// credential's value: hard-coded credentials, passwords and keys,
// cleartext storage and weakly protected credentials. (Checks of
// secrets written to logs or passed through the environment point at a
// use of the secret, not at its value.)
var credentialCWEs = []string{"CWE-798", "CWE-259", "CWE-321", "CWE-312", "CWE-522"}

// credentialFinding reports whether f points at a line that may hold a
// secret's value.
func credentialFinding(f finding.Finding) bool {
	if strings.HasPrefix(f.CheckID, "FC-SEC-") {
		return true
	}
	for _, ref := range f.References {
		if slices.Contains(credentialCWEs, ref.Source) {
			return true
		}
	}
	return false
}

// of returns the snippet of a finding: up to snippetContext lines before
// and after its lines, or nil when it has no file and line, the file
// cannot be read through the tree or a budget is spent.
func (s *snippets) of(f finding.Finding) []snippetLine {
	if s == nil || f.Location.Path == "" || f.Location.StartLine <= 0 || s.text >= snippetBudgetText {
		return nil
	}
	lines := s.lines(f.Location.Path)
	start := f.Location.StartLine
	if start > len(lines) {
		return nil
	}
	end := min(max(f.Location.EndLine, start), len(lines), start+snippetMaxLines-1-2*snippetContext)
	from, to := max(1, start-snippetContext), min(len(lines), end+snippetContext)
	out := make([]snippetLine, 0, to-from+1)
	for n := from; n <= to; n++ {
		out = append(out, snippetLine{N: n, Text: lines[n-1], Hit: n >= start && n <= end})
		s.text += len(lines[n-1]) + 8
	}
	return out
}

// lines returns the printable, redacted lines of a file of the tree; nil
// when the path is not a clean relative path, the file is missing, too
// large, binary, or the read budget is spent.
func (s *snippets) lines(path string) []string {
	if lines, ok := s.files[path]; ok {
		return lines
	}
	s.files[path] = nil
	if !fs.ValidPath(path) || s.read >= snippetBudgetBytes {
		return nil
	}
	data, ok := s.readFile(path)
	if !ok {
		return nil
	}
	det := s.detector()
	if det == nil {
		return nil // without the detector no line can be shown safely
	}
	data = redactSecrets(det, path, data)
	raw := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	lines := make([]string, len(raw))
	for i, l := range raw {
		l = strings.TrimSuffix(l, "\r")
		if s.flags[path][i+1] {
			l = redactAssignment(l)
		}
		lines[i] = printableLine(l)
	}
	s.files[path] = lines
	return lines
}

// readFile reads a regular text file of at most snippetMaxFileBytes through
// the tree.
func (s *snippets) readFile(path string) ([]byte, bool) {
	f, err := s.fsys.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() > snippetMaxFileBytes {
		return nil, false
	}
	data, err := io.ReadAll(io.LimitReader(f, snippetMaxFileBytes+1))
	s.read += len(data)
	if err != nil || len(data) > snippetMaxFileBytes {
		return nil, false
	}
	if bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0 {
		return nil, false // binary
	}
	return data, true
}

// detector compiles the secret scanner's built-in rules once.
func (s *snippets) detector() *secret.Detector {
	if s.det == nil && !s.detErr {
		det, err := secret.NewDetector(secret.Options{})
		if err != nil {
			s.detErr = true
			return nil
		}
		s.det = det
	}
	return s.det
}

// redactSecrets replaces every secret the detector finds in data by its
// redacted form, keeping the line breaks of a multi-line secret (a private
// key) so that line numbers do not move.
func redactSecrets(det *secret.Detector, path string, data []byte) []byte {
	matches := det.ScanFile(path, data)
	slices.SortFunc(matches, func(a, b secret.Match) int { return a.Start - b.Start })
	var out []byte
	at := 0
	for _, m := range matches {
		if m.End <= m.Start || m.Start < at || m.End > len(data) {
			continue // a path match, or one inside a span already replaced
		}
		out = append(out, data[at:m.Start]...)
		out = append(out, secret.Redact(data[m.Start:m.End])...)
		out = append(out, bytes.Repeat([]byte{'\n'}, bytes.Count(data[m.Start:m.End], []byte{'\n'}))...)
		at = m.End
	}
	if at == 0 {
		return data
	}
	return append(out, data[at:]...)
}

// redactAssignment keeps a line up to its first assignment (":", "=",
// ":=") and replaces the rest; a line with none is replaced whole. Values
// already redacted by a secret rule are kept.
func redactAssignment(line string) string {
	if strings.Contains(line, "…sha256:") {
		return line
	}
	i := strings.IndexAny(line, ":=")
	if i < 0 {
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		return line[:indent] + redactedValue
	}
	j := i + 1
	if j < len(line) && line[j] == '=' {
		j++
	}
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	return line[:j] + redactedValue
}

// printableLine expands tabs to 4 columns, escapes unsafe runes (control
// and bidirectional characters) and cuts the line at snippetMaxLineRunes.
func printableLine(l string) string {
	if strings.Contains(l, "\t") {
		var b strings.Builder
		col := 0
		for _, r := range l {
			if r == '\t' {
				n := 4 - col%4
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			b.WriteRune(r)
			col++
		}
		l = b.String()
	}
	l = source.Printable(l)
	if utf8.RuneCountInString(l) > snippetMaxLineRunes {
		l = string([]rune(l)[:snippetMaxLineRunes]) + " …"
	}
	return l
}
