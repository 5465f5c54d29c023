package yara

import (
	"context"
	"fmt"
	"slices"
)

// Scan bounds.
const (
	maxHitsPerString = 1_000_000 // matches counted per string; the rest are not
	maxHitsTotal     = 10_000_000
	maxReported      = 1000 // string matches reported per string in a Match
	maxMatchData     = 64   // bytes of matched data reported
	baseSteps        = 1 << 26
	stepsPerByte     = 16 // plus one per 4 strings of the rule set
	loopStepCost     = 16 // one iteration of a for loop
	chunkSize        = 1 << 20
)

// Match is one rule that matched.
type Match struct {
	Rule, Namespace string
	Tags            []string
	Meta            []Meta
	Strings         []StringMatch
}

// StringMatch is one match of a string: at most maxReported per string,
// with at most maxMatchData bytes of data.
type StringMatch struct {
	ID     string
	Offset int64
	Data   []byte
}

// scanState is the working state of one Scan.
type scanState struct {
	ctx     context.Context
	hits    [][]hit
	touched []int // strings with hits
	total   int
	steps   int64
	budget  int64
	limit   error // the first bound hit
	ctxErr  error // set when ctx was found done
	stop    bool  // the budget is spent or ctx is done
	polls   uint
}

// exhausted reports whether the scan must stop: the step budget is spent
// or (looked at every 1024 calls) ctx is done.
func (st *scanState) exhausted() bool {
	if st.stop {
		return true
	}
	st.polls++
	if st.polls%1024 == 0 {
		if err := st.ctx.Err(); err != nil {
			st.ctxErr, st.stop = err, true
		}
	}
	if st.steps > st.budget {
		st.limit = fmt.Errorf("%w: step budget of %d exhausted", ErrLimit, st.budget)
		st.stop = true
	}
	return st.stop
}

// Scan matches every rule against data (a whole file's bytes, bounded by
// the caller). It stops when ctx is done, returning ctx's error. When a
// bound is hit (the step budget, or more than 1,000,000 matches of one
// string) it returns the rules that matched on what was found, with an
// error wrapping [ErrLimit].
func (r *Rules) Scan(ctx context.Context, data []byte) ([]Match, error) {
	sc := r.scratch.Get().(*scratch)
	st := &scanState{ctx: ctx, hits: sc.hits, touched: sc.touched,
		budget: baseSteps + int64(len(data))*(stepsPerByte+int64(len(r.strs))/4)}
	defer func() {
		sc.touched = st.touched
		r.putScratch(sc)
	}()
	r.prefilter(st, data)
	r.fullScans(st, data)
	if st.ctxErr != nil {
		return nil, st.ctxErr
	}
	for _, i := range st.touched {
		st.hits[i] = sortHits(st.hits[i])
	}
	c := &evalCtx{data: data, rs: r, hits: st.hits, results: sc.results,
		vars: make([]value, maxLoopVars+1), mods: map[string]*modData{}, st: st}
	var out []Match
	sc.cands = r.candidates(sc.cands[:0], st.touched)
	for _, i := range sc.cands {
		if c.st.exhausted() && st.ctxErr != nil {
			return nil, st.ctxErr
		}
		cr := r.rules[i]
		if cr.private || !c.ruleResult(i) {
			continue
		}
		out = append(out, r.report(cr, st.hits, data))
	}
	return out, st.limit
}

// candidates appends to dst, in order, the rules that can match: those
// that need no string match, and those with a string that matched.
func (r *Rules) candidates(dst, touched []int) []int {
	dst = append(dst, r.eager...)
	for _, si := range touched {
		dst = append(dst, r.strs[si].rule)
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// prefilter runs the atom automaton over the data, in chunks (so that
// ctx is honoured), and verifies every candidate.
func (r *Rules) prefilter(st *scanState, data []byte) {
	if r.ac == nil {
		return
	}
	state := int32(0)
	for start := 0; start < len(data); start += chunkSize {
		if err := st.ctx.Err(); err != nil {
			st.ctxErr, st.stop = err, true
			return
		}
		end := min(len(data), start+chunkSize)
		st.steps += int64(end-start) / 8
		state = r.ac.scan(state, data[start:end], start, func(id int32, s0 int) {
			if st.stop {
				return
			}
			for _, ref := range r.byAtom[id] {
				if g := &r.groups[ref.group]; !g.lazy || !st.allFound(g.members) {
					r.verify(st, data, ref, s0-ref.at)
				}
			}
			st.exhausted()
		})
		if st.exhausted() {
			return
		}
	}
}

func (r *Rules) verify(st *scanState, data []byte, ref atomRef, s int) {
	st.steps++
	if s < 0 {
		return
	}
	g := &r.groups[ref.group]
	if n := g.m.matchAt(data, s, st); n >= 0 {
		for _, si := range g.members {
			st.add(r.strs[si], si, s, n)
		}
	}
}

// fullScans searches the whole data for the variants without an atom.
func (r *Rules) fullScans(st *scanState, data []byte) {
	for _, gi := range r.scanAll {
		if st.exhausted() {
			return
		}
		g := &r.groups[gi]
		g.m.scanAll(data, st, func(off, n int) {
			for _, si := range g.members {
				st.add(r.strs[si], si, off, n)
			}
		})
	}
}

// allFound reports whether every string of strs has a match.
func (st *scanState) allFound(strs []int) bool {
	for _, s := range strs {
		if len(st.hits[s]) == 0 {
			return false
		}
	}
	return true
}

func (st *scanState) add(s *cstring, i, off, n int) {
	if s.lazy && len(st.hits[i]) > 0 {
		return
	}
	if len(st.hits[i]) >= maxHitsPerString || st.total >= maxHitsTotal {
		if st.limit == nil {
			st.limit = fmt.Errorf("%w: string $%s has more than %d matches; stopped counting", ErrLimit, s.id, len(st.hits[i]))
		}
		return
	}
	st.total++
	if len(st.hits[i]) == 0 {
		st.touched = append(st.touched, i)
	}
	st.hits[i] = append(st.hits[i], hit{off: int64(off), n: int32(n)})
}

// sortHits orders hits by offset and keeps one per offset.
func sortHits(hs []hit) []hit {
	if !slices.IsSortedFunc(hs, cmpHit) {
		slices.SortFunc(hs, cmpHit)
	}
	return slices.CompactFunc(hs, func(a, b hit) bool { return a.off == b.off })
}

func cmpHit(a, b hit) int { return compareInt(a.off, b.off) }

func (r *Rules) report(cr *crule, hits [][]hit, data []byte) Match {
	m := Match{Rule: cr.name, Namespace: cr.ns, Tags: cr.tags, Meta: cr.meta}
	for _, si := range cr.strs {
		s := r.strs[si]
		if s.private {
			continue
		}
		for k, h := range hits[si] {
			if k == maxReported {
				break
			}
			end := h.off + int64(min(int(h.n), maxMatchData))
			m.Strings = append(m.Strings, StringMatch{ID: "$" + s.id, Offset: h.off,
				Data: slices.Clone(data[h.off:end])})
		}
	}
	return m
}

// scratch is the memory of one Scan, pooled per rule set.
type scratch struct {
	hits    [][]hit
	touched []int
	cands   []int // rules to evaluate
	results []int8
}

func (r *Rules) newScratch() any {
	return &scratch{hits: make([][]hit, len(r.strs)), results: make([]int8, len(r.rules))}
}

// putScratch empties sc and returns it to the pool; a scratch that grew
// large is dropped.
func (r *Rules) putScratch(sc *scratch) {
	for _, i := range sc.touched {
		if cap(sc.hits[i]) > 1<<16 {
			return
		}
		sc.hits[i] = sc.hits[i][:0]
	}
	sc.touched = sc.touched[:0]
	clear(sc.results)
	r.scratch.Put(sc)
}

// evalCtx is the state of evaluating conditions over one scan.
type evalCtx struct {
	data    []byte
	rs      *Rules
	hits    [][]hit
	results []int8 // per rule: 0 not yet, 1 true, 2 false, 3 being evaluated
	vars    []value
	anon    int
	mods    map[string]*modData
	st      *scanState
}

// step charges n steps of loop work; false when the budget is spent.
func (c *evalCtx) step(n int64) bool {
	c.st.steps += n
	return !c.st.exhausted()
}

func (c *evalCtx) module(name string) *modData {
	m, ok := c.mods[name]
	if !ok {
		m = loadModule(name, c.data)
		c.mods[name] = m
	}
	return m
}

func (c *evalCtx) anyHit(strs []int) bool {
	for _, s := range strs {
		if len(c.hits[s]) > 0 {
			return true
		}
	}
	return false
}

// ruleResult evaluates rule i once: its condition, and the global rules
// of its namespace.
func (c *evalCtx) ruleResult(i int) bool {
	switch c.results[i] {
	case 1:
		return true
	case 2, 3:
		return false
	}
	r := c.rs.rules[i]
	if r.needsMatch && !c.anyHit(r.strs) {
		c.results[i] = 2
		return false
	}
	c.results[i] = 3
	ok := r.cond.eval(c).truth()
	if ok && !r.global {
		for _, g := range c.rs.globals[r.ns] {
			if !c.ruleResult(g) {
				ok = false
				break
			}
		}
	}
	c.results[i] = 2
	if ok {
		c.results[i] = 1
	}
	return ok
}
