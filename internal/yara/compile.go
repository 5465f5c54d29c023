package yara

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Source is one rule file. Name is the file name used in errors; the
// rules' namespace is its base name without extension.
type Source struct {
	Name string
	Text []byte
}

// Meta is one entry of a rule's meta section. Value is a string, an int64
// or a bool.
type Meta struct {
	Key   string
	Value any
}

// matcher finds one form of a string at a given offset: it returns the
// length of the match starting at data[s], or -1.
type matcher interface {
	matchAt(data []byte, s int, st *scanState) int
	// scanAll finds every match, for a variant without an atom.
	scanAll(data []byte, st *scanState, emit func(s, n int))
}

// variant is one searchable form of a string (a text string with both
// ascii and wide has two) with its prefilter atoms: a match holds one of
// them, and starts its at bytes before it. A variant without atoms is
// found by a full scan.
type variant struct {
	m     matcher
	atoms []atom
	// key is equal for variants that match the same way: they are
	// searched and verified once, for every string that has them.
	key string
}

// group is a distinct variant and the strings that share it.
type group struct {
	m       matcher
	members []int
	lazy    bool // every member is lazy: verify until they all matched
}

// atom is a lower-cased literal piece of a string at a fixed offset from
// the start of its matches.
type atom struct {
	b  []byte
	at int
}

// cstring is a compiled string.
type cstring struct {
	id       string
	rule     int
	private  bool
	variants []variant
	// lazy is set when the rule's condition only asks whether the string
	// matched (`$a`, `N of`): the scan stops at its first match.
	lazy bool
}

// crule is a compiled rule.
type crule struct {
	name, ns string
	private  bool
	global   bool
	tags     []string
	meta     []Meta
	strs     []int
	cond     node
	// needsMatch is set when the condition is false unless one of the
	// rule's strings matched: the scan then skips it cheaply.
	needsMatch bool
}

// Rules is a compiled rule set. It is safe for concurrent use.
type Rules struct {
	rules   []*crule
	strs    []*cstring
	globals map[string][]int // namespace → global rules
	ac      *automaton
	byAtom  [][]atomRef
	groups  []group
	scanAll []int // groups without an atom
	eager   []int // rules that may match without a match of their strings
	scratch sync.Pool
}

// atomRef names the group an atom belongs to and where in its matches
// the atom lies.
type atomRef struct{ group, at int }

// Len returns the number of compiled rules, private ones included.
func (r *Rules) Len() int { return len(r.rules) }

// compiler holds the state shared by the files of one Compile.
type compiler struct {
	strs    []*cstring
	rules   []*crule
	byName  map[string]int // "ns:name" → rule index
	dropped map[string]bool
	errs    []error
}

func (c *compiler) ruleIndex(ns, name string) (int, bool) {
	i, ok := c.byName[ns+":"+name]
	return i, ok
}

// includeFunc resolves an include directive of the file named from; nil
// refuses includes.
type includeFunc func(from, name string) (Source, error)

func compileWith(inc includeFunc, srcs ...Source) (*Rules, []error) {
	c := &compiler{byName: map[string]int{}, dropped: map[string]bool{}}
	for _, s := range srcs {
		c.compileFile(s, inc)
	}
	return c.build(), c.errs
}

// namespace returns a file's namespace: its base name without extension.
func namespace(name string) string {
	base := filepath.Base(name)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// compileFile parses one file; on a syntax error every rule it added is
// taken back out.
func (c *compiler) compileFile(s Source, inc includeFunc) {
	nRules, nStrs := len(c.rules), len(c.strs)
	err := c.parseSource(s, namespace(s.Name), inc, 0)
	if err == nil {
		return
	}
	for _, r := range c.rules[nRules:] {
		delete(c.byName, r.ns+":"+r.name)
		c.dropped[r.ns+":"+r.name] = true
	}
	c.rules, c.strs = c.rules[:nRules], c.strs[:nStrs]
	c.errs = append(c.errs, err)
}

func (c *compiler) parseSource(s Source, ns string, inc includeFunc, depth int) (err error) {
	if len(s.Text) > maxSourceBytes {
		return fmt.Errorf("%s: larger than %d bytes", s.Name, maxSourceBytes)
	}
	p := &parser{lx: lexer{src: s.Text, line: 1}, c: c, file: s.Name, ns: ns, imports: map[string]bool{}}
	p.include = func(name string, line int) error {
		if inc == nil {
			return fmt.Errorf("include %q: includes are not resolved here (load the files with LoadFiles)", name)
		}
		if depth >= maxIncludeDepth {
			return fmt.Errorf("include %q: nested deeper than %d", name, maxIncludeDepth)
		}
		sub, err := inc(s.Name, name)
		if err != nil {
			return err
		}
		return c.parseSource(sub, ns, inc, depth+1)
	}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*syntaxError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s:%d: %s", s.Name, se.line, se.msg)
		}
	}()
	p.parseFile()
	return nil
}

// addRule compiles the strings of a parsed rule and adds it, or records
// why it is left out. base is the global index of its first string.
func (c *compiler) addRule(r *ruleDef, base int, name token) {
	key := r.ns + ":" + r.name
	if _, dup := c.byName[key]; dup || c.dropped[key] {
		panic(&syntaxError{line: name.line, msg: fmt.Sprintf("duplicate rule %q", r.name)})
	}
	if len(c.rules) >= maxRules {
		panic(&syntaxError{line: name.line, msg: fmt.Sprintf("more than %d rules", maxRules)})
	}
	cr := &crule{name: r.name, ns: r.ns, private: r.private, global: r.global, tags: r.tags, meta: r.meta, cond: r.cond}
	for i, d := range r.strs {
		if r.err != nil {
			break
		}
		vs, err := compileString(d)
		if err != nil {
			r.err = fmt.Errorf("%s:%d: rule %s: %w", r.file, d.line, r.name, err)
			break
		}
		c.strs[base+i] = &cstring{id: d.id, rule: len(c.rules), private: d.mods.private, variants: vs}
		cr.strs = append(cr.strs, base+i)
	}
	if r.err != nil {
		c.errs = append(c.errs, r.err)
		c.dropped[key] = true
		c.strs = c.strs[:base]
		return
	}
	cr.needsMatch = needsMatch(cr.cond)
	full := map[int]bool{}
	known := countedStrings(cr.cond, full)
	for _, si := range cr.strs {
		c.strs[si].lazy = known && !full[si]
	}
	c.byName[key] = len(c.rules)
	c.rules = append(c.rules, cr)
}

// needsMatch reports whether n can only be true when a string of its rule
// matched. It is conservative: false when unsure.
func needsMatch(n node) bool {
	switch n := n.(type) {
	case strNode:
		return n.s != anon
	case strAtNode:
		return n.s != anon
	case strInNode:
		return n.s != anon && !n.count
	case ofNode:
		if n.q.kind == "any" || n.q.kind == "all" {
			return len(n.strs) > 0
		}
		lit, ok := n.q.n.(litNode)
		return n.q.kind == "n" && ok && lit.v.k == kInt && lit.v.i >= 1
	case andNode:
		return needsMatch(n.l) || needsMatch(n.r)
	case orNode:
		return needsMatch(n.l) && needsMatch(n.r)
	case cmpNode:
		cnt, ok1 := n.l.(strCountNode)
		lit, ok2 := n.r.(litNode)
		return ok1 && ok2 && cnt.s != anon && lit.v.k == kInt &&
			(n.op == ">" && lit.v.i >= 0 || n.op == ">=" && lit.v.i >= 1)
	}
	return false
}

// countedStrings adds to full the strings whose matches n needs beyond
// whether they matched: counts, offsets, lengths, and every string of a
// `for ... of` loop. It returns false for a node it does not know, when
// every string must be treated as counted.
func countedStrings(n node, full map[int]bool) bool {
	walk := func(ns ...node) bool {
		for _, x := range ns {
			if x != nil && !countedStrings(x, full) {
				return false
			}
		}
		return true
	}
	switch n := n.(type) {
	case litNode, filesizeNode, entrypointNode, ruleRefNode, varNode, strNode:
		return true
	case ofNode:
		return walk(n.q.n)
	case forOfNode:
		for _, s := range n.strs {
			full[s] = true
		}
		return walk(n.q.n, n.body)
	case strAtNode:
		full[n.s] = true
		return walk(n.off)
	case strInNode:
		full[n.s] = true
		return walk(n.lo, n.hi)
	case strCountNode:
		full[n.s] = true
		return true
	case strOffNode:
		full[n.s] = true
		return walk(n.idx)
	}
	return countedChildren(n, walk)
}

// countedChildren walks the children of the nodes that hold no string.
func countedChildren(n node, walk func(...node) bool) bool {
	switch n := n.(type) {
	case andNode:
		return walk(n.l, n.r)
	case orNode:
		return walk(n.l, n.r)
	case cmpNode:
		return walk(n.l, n.r)
	case strOpNode:
		return walk(n.l, n.r)
	case arithNode:
		return walk(n.l, n.r)
	case notNode:
		return walk(n.x)
	case negNode:
		return walk(n.x)
	case matchesNode:
		return walk(n.x)
	case intReadNode:
		return walk(n.off)
	case modNode:
		return walk(n.args...)
	case forInNode:
		return walk(n.q.n, n.lo, n.hi, n.body) && walk(n.items...)
	}
	return false
}

func compileString(d *strDef) ([]variant, error) {
	switch d.kind {
	case 'h':
		return compileHex(d)
	case 'r':
		return compileRegex(d)
	}
	return compileText(d)
}

// build makes the rule set: the prefilter automaton over every atom. A
// rule set too large for it compiles to no rules, with an error.
func (c *compiler) build() *Rules {
	rs := &Rules{rules: c.rules, strs: c.strs, globals: map[string][]int{}}
	rs.scratch.New = rs.newScratch
	for i, r := range c.rules {
		if r.global {
			rs.globals[r.ns] = append(rs.globals[r.ns], i)
		}
		if !r.needsMatch {
			rs.eager = append(rs.eager, i)
		}
		for _, si := range r.strs {
			c.strs[si].rule = i
		}
	}
	index, groups := map[string]int{}, map[string]int{}
	var atoms [][]byte
	for si, s := range c.strs {
		for _, v := range s.variants {
			gi, seen := groups[v.key]
			if !seen {
				gi = len(rs.groups)
				groups[v.key] = gi
				rs.groups = append(rs.groups, group{m: v.m})
			}
			if !slices.Contains(rs.groups[gi].members, si) {
				rs.groups[gi].members = append(rs.groups[gi].members, si)
			}
			rs.groups[gi].lazy = s.lazy && (!seen || rs.groups[gi].lazy)
			if seen {
				continue
			}
			if len(v.atoms) == 0 {
				rs.scanAll = append(rs.scanAll, gi)
				continue
			}
			for _, a := range v.atoms {
				k, ok := index[string(a.b)]
				if !ok {
					k = len(atoms)
					index[string(a.b)] = k
					atoms = append(atoms, a.b)
					rs.byAtom = append(rs.byAtom, nil)
				}
				rs.byAtom[k] = append(rs.byAtom[k], atomRef{group: gi, at: a.at})
			}
		}
	}
	if len(atoms) > 0 {
		ac, err := newAutomaton(atoms)
		if err != nil {
			c.errs = append(c.errs, err)
			empty := &Rules{globals: map[string][]int{}}
			empty.scratch.New = empty.newScratch
			return empty
		}
		rs.ac = ac
	}
	return rs
}

// ErrLimit is wrapped by the error of a Scan that hit a bound: the step
// budget, or the cap on the matches of one string.
var ErrLimit = errors.New("scan limit reached")
