package yara

// hit is one match of a string: where it starts and how long it is.
type hit struct {
	off int64
	n   int32
}

// anon is the string index that names the string of the enclosing
// `for ... of` loop ($, #, @ and ! without a name).
const anon = -1

func (c *evalCtx) str(i int) int {
	if i == anon {
		return c.anon
	}
	return i
}

// strNode is `$a`: true when the string matched.
type strNode struct{ s int }

func (n strNode) eval(c *evalCtx) value { return boolVal(len(c.hits[c.str(n.s)]) > 0) }

// strAtNode is `$a at off`.
type strAtNode struct {
	s   int
	off node
}

func (n strAtNode) eval(c *evalCtx) value {
	o := n.off.eval(c)
	if o.k != kInt {
		return undef
	}
	for _, h := range c.hits[c.str(n.s)] {
		if h.off == o.i {
			return boolVal(true)
		}
		if h.off > o.i {
			break
		}
	}
	return boolVal(false)
}

// strInNode is `$a in (lo..hi)`, or `#a in (lo..hi)` when count is set.
type strInNode struct {
	s      int
	lo, hi node
	count  bool
}

func (n strInNode) eval(c *evalCtx) value {
	lo, hi := n.lo.eval(c), n.hi.eval(c)
	if lo.k != kInt || hi.k != kInt {
		return undef
	}
	k := int64(0)
	for _, h := range c.hits[c.str(n.s)] {
		if h.off > hi.i {
			break
		}
		if h.off >= lo.i {
			k++
			if !n.count {
				return boolVal(true)
			}
		}
	}
	if n.count {
		return intVal(k)
	}
	return boolVal(false)
}

// strCountNode is `#a`.
type strCountNode struct{ s int }

func (n strCountNode) eval(c *evalCtx) value { return intVal(int64(len(c.hits[c.str(n.s)]))) }

// strOffNode is `@a[i]` (length false) or `!a[i]` (length true); i is
// 1-based.
type strOffNode struct {
	s      int
	idx    node
	length bool
}

func (n strOffNode) eval(c *evalCtx) value {
	i := n.idx.eval(c)
	hs := c.hits[c.str(n.s)]
	if i.k != kInt || i.i < 1 || i.i > int64(len(hs)) {
		return undef
	}
	h := hs[i.i-1]
	if n.length {
		return intVal(int64(h.n))
	}
	return intVal(h.off)
}

// quant is the quantifier of `of` and `for`: any, all, none, or an
// expression giving the minimum count.
type quant struct {
	kind string // "any", "all", "none" or "n"
	n    node
}

// met reports whether trues out of total items satisfy the quantifier;
// the second result is false when the quantifier's count is undefined.
func (q quant) met(c *evalCtx, trues, total int64) (bool, bool) {
	switch q.kind {
	case "any":
		return trues >= 1, true
	case "all":
		return trues == total, true
	case "none":
		return trues == 0, true
	}
	v := q.n.eval(c)
	if v.k != kInt {
		return false, false
	}
	return trues >= v.i, true
}

// settled reports whether the outcome is known after trues out of iters
// items, so that a loop can stop early.
func (q quant) settled(trues, iters int64) bool {
	switch q.kind {
	case "any", "none":
		return trues >= 1
	case "all":
		return trues < iters
	}
	return false
}

// ofNode is `N of (strings)`, optionally `in (lo..hi)` or `at off`.
type ofNode struct {
	q    quant
	strs []int
}

func (n ofNode) eval(c *evalCtx) value {
	k := int64(0)
	for _, s := range n.strs {
		if len(c.hits[s]) > 0 {
			k++
		}
	}
	ok, def := n.q.met(c, k, int64(len(n.strs)))
	if !def {
		return undef
	}
	return boolVal(ok)
}

// forOfNode is `for N of (strings) : (body)`.
type forOfNode struct {
	q    quant
	strs []int
	body node
}

func (n forOfNode) eval(c *evalCtx) value {
	saved := c.anon
	k := int64(0)
	for i, s := range n.strs {
		if !c.step(loopStepCost) {
			c.anon = saved
			return undef
		}
		c.anon = s
		if n.body.eval(c).truth() {
			k++
		}
		if n.q.settled(k, int64(i+1)) {
			break
		}
	}
	c.anon = saved
	ok, def := n.q.met(c, k, int64(len(n.strs)))
	if !def {
		return undef
	}
	return boolVal(ok)
}

// forInNode is `for N i in (lo..hi) : (body)` or over an enumeration.
type forInNode struct {
	q      quant
	slot   int
	lo, hi node   // a range, or
	items  []node // an enumeration
	body   node
}

func (n forInNode) eval(c *evalCtx) value {
	if n.items != nil {
		k, total := int64(0), int64(0)
		for _, it := range n.items {
			if !c.step(loopStepCost) {
				return undef
			}
			c.vars[n.slot] = it.eval(c)
			total++
			if n.body.eval(c).truth() {
				k++
			}
			if n.q.settled(k, total) {
				break
			}
		}
		return n.result(c, k, total)
	}
	a, b := n.lo.eval(c), n.hi.eval(c)
	if a.k != kInt || b.k != kInt || a.i > b.i {
		return undef
	}
	k, total := int64(0), int64(0)
	for v := a.i; ; v++ {
		if !c.step(loopStepCost) {
			return undef
		}
		c.vars[n.slot] = intVal(v)
		total++
		if n.body.eval(c).truth() {
			k++
		}
		if v == b.i || n.q.settled(k, total) {
			break
		}
	}
	return n.result(c, k, total)
}

func (n forInNode) result(c *evalCtx, k, total int64) value {
	ok, def := n.q.met(c, k, total)
	if !def {
		return undef
	}
	return boolVal(ok)
}
