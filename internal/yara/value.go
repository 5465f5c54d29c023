package yara

import (
	"encoding/binary"
	"regexp"
	"strings"
)

// kind is the type of a condition value.
type kind uint8

const (
	kUndef kind = iota
	kInt
	kStr
	kBool
)

// value is the result of evaluating a condition node. A value is
// undefined when the data lacks what it names (a module field of a file of
// another format, an offset out of range); undefined propagates through
// operators and reads as false in a boolean context.
type value struct {
	k kind
	i int64
	s string
}

var undef = value{}

func intVal(i int64) value  { return value{k: kInt, i: i} }
func strVal(s string) value { return value{k: kStr, s: s} }
func boolVal(b bool) value {
	if b {
		return value{k: kBool, i: 1}
	}
	return value{k: kBool}
}

// truth reads v as a boolean.
func (v value) truth() bool {
	switch v.k {
	case kInt, kBool:
		return v.i != 0
	case kStr:
		return v.s != ""
	}
	return false
}

// node is one compiled condition expression.
type node interface {
	eval(c *evalCtx) value
}

type litNode struct{ v value }

func (n litNode) eval(*evalCtx) value { return n.v }

type filesizeNode struct{}

func (filesizeNode) eval(c *evalCtx) value { return intVal(int64(len(c.data))) }

type entrypointNode struct{}

func (entrypointNode) eval(c *evalCtx) value {
	if v := c.module("pe").field("entry_point"); v.k == kInt {
		return v
	}
	return c.module("elf").field("entry_point")
}

type andNode struct{ l, r node }

func (n andNode) eval(c *evalCtx) value {
	return boolVal(n.l.eval(c).truth() && n.r.eval(c).truth())
}

type orNode struct{ l, r node }

func (n orNode) eval(c *evalCtx) value {
	return boolVal(n.l.eval(c).truth() || n.r.eval(c).truth())
}

type notNode struct{ x node }

func (n notNode) eval(c *evalCtx) value {
	v := n.x.eval(c)
	if v.k == kUndef {
		return undef
	}
	return boolVal(!v.truth())
}

type negNode struct {
	op string // "-" or "~"
	x  node
}

func (n negNode) eval(c *evalCtx) value {
	v := n.x.eval(c)
	if v.k != kInt && v.k != kBool {
		return undef
	}
	if n.op == "-" {
		return intVal(-v.i)
	}
	return intVal(^v.i)
}

// arithNode is a binary integer operator.
type arithNode struct {
	op   string
	l, r node
}

func (n arithNode) eval(c *evalCtx) value {
	a, b := n.l.eval(c), n.r.eval(c)
	if (a.k != kInt && a.k != kBool) || (b.k != kInt && b.k != kBool) {
		return undef
	}
	x, y := a.i, b.i
	switch n.op {
	case "+":
		return intVal(x + y)
	case "-":
		return intVal(x - y)
	case "*":
		return intVal(x * y)
	case "\\", "%":
		if y == 0 {
			return undef
		}
		if n.op == "%" {
			return intVal(x % y)
		}
		return intVal(x / y)
	case "&":
		return intVal(x & y)
	case "|":
		return intVal(x | y)
	case "^":
		return intVal(x ^ y)
	}
	return shift(n.op, x, y)
}

func shift(op string, x, y int64) value {
	switch {
	case y < 0:
		return undef
	case y >= 64:
		return intVal(0)
	case op == "<<":
		return intVal(x << y)
	}
	return intVal(x >> y)
}

// cmpNode compares two integers or two strings.
type cmpNode struct {
	op   string
	l, r node
}

func (n cmpNode) eval(c *evalCtx) value {
	a, b := n.l.eval(c), n.r.eval(c)
	if a.k == kUndef || b.k == kUndef {
		return undef
	}
	var d int
	switch {
	case a.k == kStr && b.k == kStr:
		d = strings.Compare(a.s, b.s)
	case a.k != kStr && b.k != kStr:
		d = compareInt(a.i, b.i)
	default:
		return undef
	}
	switch n.op {
	case "==":
		return boolVal(d == 0)
	case "!=":
		return boolVal(d != 0)
	case "<":
		return boolVal(d < 0)
	case "<=":
		return boolVal(d <= 0)
	case ">":
		return boolVal(d > 0)
	}
	return boolVal(d >= 0)
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// strOpNode is contains, icontains, startswith, istartswith, endswith,
// iendswith or iequals.
type strOpNode struct {
	op   string
	l, r node
}

func (n strOpNode) eval(c *evalCtx) value {
	a, b := n.l.eval(c), n.r.eval(c)
	if a.k != kStr || b.k != kStr {
		return undef
	}
	x, y := a.s, b.s
	if n.op[0] == 'i' {
		x, y = strings.ToLower(x), strings.ToLower(y)
	}
	switch strings.TrimPrefix(n.op, "i") {
	case "contains":
		return boolVal(strings.Contains(x, y))
	case "startswith":
		return boolVal(strings.HasPrefix(x, y))
	case "endswith":
		return boolVal(strings.HasSuffix(x, y))
	}
	return boolVal(x == y)
}

// matchesNode is `expr matches /re/`.
type matchesNode struct {
	x  node
	re *regexp.Regexp
}

func (n matchesNode) eval(c *evalCtx) value {
	v := n.x.eval(c)
	if v.k != kStr {
		return undef
	}
	return boolVal(n.re.MatchReader(&latin1Reader{b: []byte(v.s)}))
}

// intReadNode is uint8(off), int32be(off) and the like.
type intReadNode struct {
	size   int
	signed bool
	big    bool
	off    node
}

func (n intReadNode) eval(c *evalCtx) value {
	o := n.off.eval(c)
	if o.k != kInt || o.i < 0 || o.i > int64(len(c.data)-n.size) {
		return undef
	}
	b := c.data[o.i : o.i+int64(n.size)]
	var u uint64
	switch {
	case n.size == 1:
		u = uint64(b[0])
	case n.size == 2 && n.big:
		u = uint64(binary.BigEndian.Uint16(b))
	case n.size == 2:
		u = uint64(binary.LittleEndian.Uint16(b))
	case n.big:
		u = uint64(binary.BigEndian.Uint32(b))
	default:
		u = uint64(binary.LittleEndian.Uint32(b))
	}
	if !n.signed {
		return intVal(int64(u))
	}
	shift := 64 - 8*n.size
	return intVal(int64(u<<shift) >> shift)
}

// ruleRefNode is a reference to an earlier rule.
type ruleRefNode struct{ rule int }

func (n ruleRefNode) eval(c *evalCtx) value { return boolVal(c.ruleResult(n.rule)) }

// varNode reads a variable of an enclosing for loop.
type varNode struct{ slot int }

func (n varNode) eval(c *evalCtx) value { return c.vars[n.slot] }

// modNode reads a module field or calls a module function.
type modNode struct {
	module string
	field  *modField
	args   []node
}

func (n modNode) eval(c *evalCtx) value {
	args := make([]value, len(n.args))
	for i, a := range n.args {
		args[i] = a.eval(c)
		if args[i].k == kUndef {
			return undef
		}
	}
	m := c.module(n.module)
	if !m.ok && !n.field.always {
		return undef
	}
	return n.field.fn(m, args)
}
