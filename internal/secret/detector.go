package secret

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/source"
)

// Match is one secret found in a byte slice. It never holds the secret: only
// where it is, a redacted form and a hash.
type Match struct {
	// RuleID is the ID of the rule's check, e.g. "FC-SEC-001".
	RuleID string
	// Rule is the rule's name: a built-in slug or a Gitleaks rule id.
	Rule string
	// Label says what was found, e.g. "RSA private key".
	Label string
	// Start and End are the byte offsets of the secret in the scanned data;
	// both are zero for a rule that matched the file's path.
	Start, End int
	// Line is the 1-based line of Start; zero for a path match.
	Line int
	// Redacted is the printable form of the secret (see [Redact]).
	Redacted string
	// Discriminator is the hex SHA-256 of the secret; it tells findings of
	// one rule in one file apart and feeds the finding's fingerprint.
	Discriminator string
}

// Detector is a compiled rule set. It is safe for concurrent use.
type Detector struct {
	rules []*compiledRule
	// trie holds the keywords of every rule; byPattern maps a keyword's
	// index in the trie to the rules that use it.
	trie        *ahocorasick.Trie
	byPattern   [][]int
	keywordless []int // rules with a pattern and no keyword
	pathRules   []int // rules with a path and no pattern
	global      []compiledAllowlist
	skipped     []finding.Skipped
	metas       map[string]check.Meta
	order       []string // check IDs in catalogue order
}

type compiledRule struct {
	Rule
	index        int
	re           *regexp.Regexp
	secretGroups []int
	path         *regexp.Regexp
	requires     [][]byte
	allow        []compiledAllowlist
	span         int
}

// NewDetector compiles the built-in rules (minus those disabled) and the
// extra rules of opts, and loads the Gitleaks config it names.
func NewDetector(opts Options) (*Detector, error) {
	rules, global, skipped, err := opts.rules()
	if err != nil {
		return nil, err
	}
	return compileRules(rules, global, skipped)
}

// compileRules builds a detector; rule order is priority order among rules
// of equal severity.
func compileRules(rules []Rule, global []Allowlist, skipped []finding.Skipped) (*Detector, error) {
	d := &Detector{skipped: skipped, metas: map[string]check.Meta{}}
	for _, a := range global {
		ca, err := compileAllowlist(a)
		if err != nil {
			return nil, fmt.Errorf("global allowlist: %w", err)
		}
		d.global = append(d.global, ca)
	}
	keywordIndex := map[string]int{}
	var keywords []string
	for _, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("secret rule %s (%s): %w", r.ID, r.Name, err)
		}
		c.index = len(d.rules)
		d.rules = append(d.rules, c)
		if _, ok := d.metas[r.ID]; !ok {
			d.metas[r.ID] = r.Meta
			d.order = append(d.order, r.ID)
		}
		switch {
		case c.re == nil:
			d.pathRules = append(d.pathRules, c.index)
		case len(r.Keywords) == 0:
			d.keywordless = append(d.keywordless, c.index)
		}
		if c.re == nil {
			continue
		}
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			if k == "" {
				continue
			}
			i, ok := keywordIndex[k]
			if !ok {
				i = len(keywords)
				keywordIndex[k] = i
				keywords = append(keywords, k)
				d.byPattern = append(d.byPattern, nil)
			}
			if !slices.Contains(d.byPattern[i], c.index) {
				d.byPattern[i] = append(d.byPattern[i], c.index)
			}
		}
	}
	if len(keywords) > 0 {
		d.trie = ahocorasick.NewTrieBuilder().AddStrings(keywords).Build()
	}
	return d, nil
}

func compileRule(r Rule) (*compiledRule, error) {
	validate := check.Validate
	if check.ValidUserID(r.ID) == nil {
		validate = check.ValidateUser // a user rule (see [RuleConfig])
	}
	if err := validate(r.Meta); err != nil {
		return nil, err
	}
	c := &compiledRule{Rule: r, span: r.Span}
	if c.span <= 0 {
		c.span = defaultSpan
	}
	if r.Pattern == "" && r.Path == "" {
		return nil, fmt.Errorf("rule has neither a pattern nor a path")
	}
	if r.Pattern != "" {
		re, err := compileRE(r.Pattern)
		if err != nil {
			return nil, err
		}
		c.re = re
		if r.Anchored {
			if c.re, err = compileRE(`^(?:` + r.Pattern + `)`); err != nil {
				return nil, err
			}
		}
		for i, n := range c.re.SubexpNames() {
			if n == "secret" {
				c.secretGroups = append(c.secretGroups, i)
			}
		}
		if len(c.secretGroups) == 0 && r.SecretGroup > re.NumSubexp() {
			return nil, fmt.Errorf("secret group %d but the regexp has %d groups", r.SecretGroup, re.NumSubexp())
		}
	}
	if r.Path != "" {
		re, err := compileRE(r.Path)
		if err != nil {
			return nil, fmt.Errorf("path: %w", err)
		}
		c.path = re
	}
	for _, q := range r.Requires {
		if q != "" {
			c.requires = append(c.requires, []byte(strings.ToLower(q)))
		}
	}
	for _, a := range r.Allowlists {
		ca, err := compileAllowlist(a)
		if err != nil {
			return nil, err
		}
		c.allow = append(c.allow, ca)
	}
	return c, nil
}

// secretSpan returns the offsets of the secret within one regexp match
// (submatch index pairs as returned by FindAllSubmatchIndex).
func (c *compiledRule) secretSpan(m []int) (int, int) {
	if len(c.secretGroups) > 0 {
		for _, g := range c.secretGroups {
			if m[2*g] >= 0 {
				return m[2*g], m[2*g+1]
			}
		}
		return -1, -1
	}
	if g := c.SecretGroup; g > 0 {
		return m[2*g], m[2*g+1]
	}
	for g := 1; 2*g < len(m); g++ {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return m[2*g], m[2*g+1]
		}
	}
	return m[0], m[1]
}

// find runs the rule's pattern over one region: once, anchored at its
// start, for an anchored rule; else for every match.
func (c *compiledRule) find(seg []byte) [][]int {
	if c.Anchored {
		if m := c.re.FindSubmatchIndex(seg); m != nil {
			return [][]int{m}
		}
		return nil
	}
	return c.re.FindAllSubmatchIndex(seg, -1)
}

// applies reports whether the rule runs on a file with this path. An empty
// path (bytes of unknown origin) runs every rule without a path filter.
func (c *compiledRule) applies(path string, global []compiledAllowlist) bool {
	if c.path != nil && (path == "" || !c.path.MatchString(path)) {
		return false
	}
	if path == "" {
		return true
	}
	for i := range c.allow {
		if c.allow[i].allowsPath(path) {
			return false
		}
	}
	for i := range global {
		if global[i].allowsPath(path) {
			return false
		}
	}
	return true
}

// Checks returns the metadata of the checks this detector can report, in
// catalogue order: the enabled built-in rules, FC-SEC-900 when Gitleaks
// rules are loaded, and user rules.
func (d *Detector) Checks() []check.Meta {
	out := make([]check.Meta, 0, len(d.order))
	for _, id := range d.order {
		out = append(out, d.metas[id])
	}
	return out
}

// Meta returns the metadata of the check with the given ID.
func (d *Detector) Meta(id string) (check.Meta, bool) {
	m, ok := d.metas[id]
	return m, ok
}

// Skipped lists the rules of a Gitleaks config that could not be used (for
// example a regexp with a lookahead, which RE2 cannot run), with the reason.
// Path is the config file's path.
func (d *Detector) Skipped() []finding.Skipped { return slices.Clone(d.skipped) }

// Scan returns the secrets in data, ordered by offset. It is pure: data of
// unknown origin runs every rule that has no path filter. Other scanners use
// it on any bytes (a Dockerfile ENV value, a Kubernetes env var, a file in
// an image layer).
func (d *Detector) Scan(data []byte) []Match {
	return d.ScanFile("", data)
}

// ScanFile is [Detector.Scan] for the content of a file at path (slash
// separated), so that rules and allowlists restricted by path apply.
func (d *Detector) ScanFile(path string, data []byte) []Match {
	st := d.newScratch()
	return d.scan(st, data, path, 0, len(data), 1, nil)
}

// Finding turns a match into a finding on res at loc; where names the place
// for the message (a file path, `ENV API_KEY`, a layer digest). When loc has
// no StartLine, the match's line is used.
func (d *Detector) Finding(m Match, res finding.Resource, loc finding.Location, where string) finding.Finding {
	meta, ok := d.metas[m.RuleID]
	if !ok {
		meta = customMeta()
	}
	// The label may come from a user's rule and where from a file name:
	// neither may carry terminal control characters into the report.
	label, where := source.Printable(m.Label), source.Printable(where)
	var msg string
	if m.Redacted == "" {
		msg = fmt.Sprintf("%s: %s", label, where)
	} else {
		msg = fmt.Sprintf("%s %q in %s", label, m.Redacted, where)
	}
	return meta.Finding(res, loc, check.Violation{Message: msg, Line: m.Line, Discriminator: m.Discriminator})
}

// matchPath returns a match for every path-only rule that matches path.
func (d *Detector) matchPath(path string) []Match {
	var out []Match
	for _, i := range d.pathRules {
		r := d.rules[i]
		if !r.applies(path, d.global) {
			continue
		}
		out = append(out, Match{
			RuleID:        r.ID,
			Rule:          r.Name,
			Label:         r.Label,
			Discriminator: discriminator([]byte(path)),
		})
	}
	return out
}

// wantsPath reports whether a path-only rule matches path.
func (d *Detector) wantsPath(path string) bool {
	for _, i := range d.pathRules {
		if d.rules[i].applies(path, d.global) {
			return true
		}
	}
	return false
}

// allowedPath reports whether a global allowlist drops every match in path.
func (d *Detector) allowedPath(path string) bool {
	for i := range d.global {
		if d.global[i].allowsPath(path) {
			return true
		}
	}
	return false
}

// region is a span of the data a rule's regexp runs on.
type region struct{ start, end int }

// scratch is the per-goroutine working memory of a scan.
type scratch struct {
	lower   []byte
	regions [][]region // by rule index
	touched []int      // rules with regions, in first-hit order
	cands   []candidate
	active  []int
}

type candidate struct {
	rule       *compiledRule
	start, end int
	label      string
}

func (d *Detector) newScratch() *scratch {
	return &scratch{regions: make([][]region, len(d.rules))}
}

// scan finds the secrets in data whose start lies in [lo, hi), numbering
// lines from firstLine at data[0], and appends them to out.
func (d *Detector) scan(st *scratch, data []byte, path string, lo, hi, firstLine int, out []Match) []Match {
	if len(data) == 0 || lo >= hi {
		return out
	}
	for _, ri := range st.touched {
		st.regions[ri] = st.regions[ri][:0]
	}
	st.touched = st.touched[:0]
	st.cands = st.cands[:0]

	st.lower = st.lower[:0]
	if d.trie != nil {
		st.lower = lowerASCII(st.lower, data)
		d.trie.Walk(st.lower, func(end, n, pattern int64) bool {
			s, e := int(end-n+1), int(end+1)
			for _, ri := range d.byPattern[pattern] {
				st.addHit(d.rules[ri], data, s, e)
			}
			return true
		})
	}
	for _, ri := range d.keywordless {
		if len(st.regions[ri]) == 0 {
			st.touched = append(st.touched, ri)
		}
		st.regions[ri] = append(st.regions[ri][:0], region{0, len(data)})
	}

	for _, ri := range st.touched {
		r := d.rules[ri]
		if !r.applies(path, d.global) || !d.required(r, st.lower, data) {
			continue
		}
		for _, rg := range st.regions[ri] {
			seg := data[rg.start:rg.end]
			for _, m := range r.find(seg) {
				gs, ge := r.secretSpan(m)
				if gs < 0 || ge <= gs {
					continue
				}
				s, e := rg.start+gs, rg.start+ge
				if s < lo || s >= hi {
					continue
				}
				secret, match := data[s:e], seg[m[0]:m[1]]
				if r.Entropy > 0 && entropy(secret) < r.Entropy {
					continue
				}
				label := r.Label
				if r.Verify != nil {
					l, ok := r.Verify(secret, match)
					if !ok {
						continue
					}
					if l != "" {
						label = l
					}
				}
				if d.allowed(r, secret, match, data, s, path) {
					continue
				}
				st.cands = append(st.cands, candidate{rule: r, start: s, end: e, label: label})
			}
		}
	}
	kept := st.resolve()

	line, pos := firstLine, 0
	for _, c := range kept {
		line += bytes.Count(data[pos:c.start], []byte{'\n'})
		pos = c.start
		secret := data[c.start:c.end]
		out = append(out, Match{
			RuleID:        c.rule.ID,
			Rule:          c.rule.Name,
			Label:         c.label,
			Start:         c.start,
			End:           c.end,
			Line:          line,
			Redacted:      Redact(secret),
			Discriminator: discriminator(secret),
		})
	}
	return out
}

// addHit records a keyword hit at data[s:e] for rule r, growing or merging
// the rule's regions.
func (st *scratch) addHit(r *compiledRule, data []byte, s, e int) {
	if r.Accept != nil && !r.Accept(data, s, e) {
		return
	}
	rs := st.regions[r.index]
	n := len(rs)
	if r.Anchored {
		start := wordStart(data, s, r.span)
		if n > 0 && rs[n-1].start == start {
			return
		}
		if n == 0 {
			st.touched = append(st.touched, r.index)
		}
		st.regions[r.index] = append(rs, region{start, lineEnd(data, e, r.span)})
		return
	}
	if n > 0 && s >= rs[n-1].start && e <= rs[n-1].end {
		return
	}
	start := lineStart(data, s, r.span)
	end := min(len(data), e+r.span)
	if !r.Multiline {
		end = lineEnd(data, e, r.span)
	}
	if n > 0 && start <= rs[n-1].end {
		rs[n-1].start = min(rs[n-1].start, start)
		rs[n-1].end = max(rs[n-1].end, end)
		return
	}
	if n == 0 {
		st.touched = append(st.touched, r.index)
	}
	st.regions[r.index] = append(rs, region{start, end})
}

// resolve drops candidates that overlap a candidate of a stronger rule
// (higher severity, then earlier in the catalogue) and exact duplicates,
// and returns the rest ordered by offset.
func (st *scratch) resolve() []candidate {
	cs := st.cands
	if len(cs) < 2 {
		return cs
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), stronger(a, b))
	})
	kept := cs[:0:0]
	active := st.active[:0] // indexes into kept of candidates that may still overlap
	for _, c := range cs {
		live := active[:0]
		for _, k := range active {
			if kept[k].end > c.start {
				live = append(live, k)
			}
		}
		active = live
		lose := false
		for _, k := range active {
			if stronger(kept[k], c) <= 0 {
				lose = true
				break
			}
		}
		if lose {
			continue
		}
		// c beats every overlapping kept candidate: drop them.
		for _, k := range active {
			kept[k].rule = nil
		}
		active = append(active[:0], len(kept))
		kept = append(kept, c)
	}
	st.active = active
	return slices.DeleteFunc(kept, func(c candidate) bool { return c.rule == nil })
}

// stronger orders candidates by the strength of their rule: negative when a
// wins over b.
func stronger(a, b candidate) int {
	return cmp.Or(cmp.Compare(b.rule.Severity, a.rule.Severity), cmp.Compare(a.rule.index, b.rule.index))
}

// required reports whether data holds one of the rule's required literals.
func (d *Detector) required(r *compiledRule, lower, data []byte) bool {
	if len(r.requires) == 0 {
		return true
	}
	if len(lower) != len(data) {
		lower = bytes.ToLower(data)
	}
	for _, q := range r.requires {
		if bytes.Contains(lower, q) {
			return true
		}
	}
	return false
}

// allowed reports whether an allowlist of the rule or a global one drops
// the match.
func (d *Detector) allowed(r *compiledRule, secret, match, data []byte, at int, path string) bool {
	var line []byte
	lineOf := func() []byte {
		if line == nil {
			line = data[lineStart(data, at, len(data)):lineEnd(data, at, len(data))]
		}
		return line
	}
	for _, lists := range [][]compiledAllowlist{r.allow, d.global} {
		for i := range lists {
			a := &lists[i]
			if a.empty() {
				continue // paths only: decided before scanning
			}
			var l []byte
			if a.target == targetLine && len(a.regexes) > 0 {
				l = lineOf()
			}
			if a.allows(secret, match, l, path) {
				return true
			}
		}
	}
	return false
}

// lineStart returns the start of the line holding data[at], looking back at
// most limit bytes.
func lineStart(data []byte, at, limit int) int {
	from := max(0, at-limit)
	if i := bytes.LastIndexByte(data[from:at], '\n'); i >= 0 {
		return from + i + 1
	}
	return from
}

// wordStart returns the start of the run of [A-Za-z0-9_.-] that holds
// data[at], looking back at most limit bytes.
func wordStart(data []byte, at, limit int) int {
	from := max(0, at-limit)
	for i := at; i > from; i-- {
		if !isWordByte(data[i-1]) {
			return i
		}
	}
	return from
}

// lineEnd returns the end (the newline's offset) of the line holding
// data[at], looking ahead at most limit bytes.
func lineEnd(data []byte, at, limit int) int {
	to := min(len(data), at+limit)
	if at >= to {
		return to
	}
	if i := bytes.IndexByte(data[at:to], '\n'); i >= 0 {
		return at + i
	}
	return to
}

// lowerASCII writes the ASCII lower-case form of src into dst's storage.
func lowerASCII(dst, src []byte) []byte {
	if cap(dst) < len(src) {
		dst = make([]byte, len(src))
	}
	dst = dst[:len(src)]
	for i, c := range src {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
	return dst
}
