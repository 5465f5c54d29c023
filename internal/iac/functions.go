package iac

import (
	"encoding/base64"
	"errors"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/fourc-dev/fourc/internal/limits"
)

// functions returns the Terraform functions that are cheap and pure enough
// to evaluate offline, each charged to g. A call to any other function
// (file, templatefile, data-dependent ones) is an error during evaluation,
// which leaves the value unknown.
//
// Functions whose result is small (a number, one element, a string no
// longer than an argument) cost one step. The others are charged the size
// of their arguments, plus what their result may add (range's length, a
// separator repeated per element, an indent per line), before they run, and
// the size of their result after: no call builds a value much larger than
// the collection budget.
func functions(g *guard) map[string]function.Function {
	small := map[string]function.Function{
		"abs":        stdlib.AbsoluteFunc,
		"ceil":       stdlib.CeilFunc,
		"chomp":      stdlib.ChompFunc,
		"coalesce":   stdlib.CoalesceFunc,
		"contains":   stdlib.ContainsFunc,
		"element":    stdlib.ElementFunc,
		"floor":      stdlib.FloorFunc,
		"length":     stdlib.LengthFunc,
		"log":        stdlib.LogFunc,
		"lookup":     stdlib.LookupFunc,
		"lower":      stdlib.LowerFunc,
		"max":        stdlib.MaxFunc,
		"min":        stdlib.MinFunc,
		"parseint":   stdlib.ParseIntFunc,
		"pow":        stdlib.PowFunc,
		"signum":     stdlib.SignumFunc,
		"strrev":     stdlib.ReverseFunc,
		"substr":     stdlib.SubstrFunc,
		"title":      stdlib.TitleFunc,
		"tobool":     stdlib.MakeToFunc(cty.Bool),
		"tonumber":   stdlib.MakeToFunc(cty.Number),
		"tostring":   stdlib.MakeToFunc(cty.String),
		"trim":       stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
		"upper":      stdlib.UpperFunc,
	}
	sized := map[string]function.Function{
		"chunklist":       stdlib.ChunklistFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"flatten":         stdlib.FlattenFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"merge":           stdlib.MergeFunc,
		"regex":           stdlib.RegexFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
	}
	extra := map[string]struct {
		f    function.Function
		cost func(g *guard, args []cty.Value) int64
	}{
		"base64encode": {base64Func(true), base64Cost},
		"base64decode": {base64Func(false), base64Cost},
		"format":       {boundedFormat(stdlib.FormatFunc), formatCost},
		"formatlist":   {boundedFormat(stdlib.FormatListFunc), formatListCost},
		"indent":       {stdlib.IndentFunc, indentCost},
		"join":         {stdlib.JoinFunc, joinCost},
		"jsondecode":   {stdlib.JSONDecodeFunc, jsonDecodeCost},
		"range":        {stdlib.RangeFunc, rangeCost},
		"regexall":     {stdlib.RegexAllFunc, regexAllCost},
		"replace":      {stdlib.ReplaceFunc, replaceCost},
	}
	out := map[string]function.Function{
		"can":     g.canFunc(),
		"try":     g.tryFunc(),
		collGuard: g.collFunc(),
		partGuard: g.partFunc(),
		valGuard:  g.partFunc(),
	}
	for n, f := range small {
		out[n] = g.smallFunc(f)
	}
	for n, f := range sized {
		out[n] = g.sizedFunc(f, nil)
	}
	for n, e := range extra {
		out[n] = g.sizedFunc(e.f, e.cost)
	}
	return out
}

// guardFuncs are the functions an expression needs when evaluated without
// a module's context (variable defaults, tfvars): only the guards that
// instrument inserted.
func (g *guard) guardFuncs() map[string]function.Function {
	return map[string]function.Function{collGuard: g.collFunc(), partGuard: g.partFunc(), valGuard: g.partFunc()}
}

// passThrough is the spec of a one-argument function that returns its
// argument, whatever it is.
func passThrough(check func(v cty.Value) error) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{
			Name: "v", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := check(args[0]); err != nil {
				return cty.NilVal, err
			}
			return args[0], nil
		},
	})
}

// collFunc guards the collection of a for expression: its length is
// charged before the loop runs, so nested loops stop when their iterations
// exceed the step budget rather than after building the result.
func (g *guard) collFunc() function.Function {
	return passThrough(func(v cty.Value) error {
		n := int64(1)
		if u, _ := v.Unmark(); u.IsKnown() && !u.IsNull() && u.CanIterateElements() {
			n += int64(u.LengthInt())
		}
		return g.step(n)
	})
}

// partFunc guards an interpolated part of a template or an element of a
// for expression: its size is charged to what the expression built, so
// that neither a template nor a loop can build without bound.
func (g *guard) partFunc() function.Function {
	return passThrough(g.build)
}

// smallFunc charges one step per call of a function whose result is no
// larger than its arguments' largest element.
func (g *guard) smallFunc(f function.Function) function.Function {
	params, varParam := passMarks(f)
	return function.New(&function.Spec{
		Params:   params,
		VarParam: varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			if err := g.step(1); err != nil {
				return cty.NilType, err
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.Call(args) },
	})
}

// sizedFunc charges a call the size of its arguments plus cost(args)
// before it runs (the type of some functions is their whole work) and
// measures its result.
func (g *guard) sizedFunc(f function.Function, cost func(*guard, []cty.Value) int64) function.Function {
	params, varParam := passMarks(f)
	return function.New(&function.Spec{
		Params:   params,
		VarParam: varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			if err := g.step(1); err != nil {
				return cty.NilType, err
			}
			var n int64
			for _, a := range args {
				s, err := g.size(a, g.lim.CollectionElements-n)
				if err != nil {
					return cty.NilType, err
				}
				n += s
				if n > g.lim.CollectionElements {
					break
				}
			}
			if cost != nil && n <= g.lim.CollectionElements {
				c := cost(g, args)
				if g.err != nil {
					return cty.NilType, g.err
				}
				n = satAdd(n, c)
			}
			if err := g.admit(n); err != nil {
				return cty.NilType, err
			}
			for _, a := range args {
				if !a.IsWhollyKnown() {
					return f.ReturnTypeForValues(args)
				}
			}
			// The call will run: its result has the exact type, and
			// working the type out twice (concat, flatten) is the
			// costliest part of a call on a large collection.
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if err := g.build(v); err != nil {
				return cty.NilVal, err
			}
			return v, nil
		},
	})
}

// passMarks returns f's parameters, accepting marked and unknown values:
// the wrapper hands them to f, which unmarks them, marks its result and
// returns unknowns as it always does, so the walk looking for marks in a
// large argument runs once, not twice.
func passMarks(f function.Function) ([]function.Parameter, *function.Parameter) {
	params := f.Params()
	for i := range params {
		params[i].AllowMarked = true
		params[i].AllowUnknown = true
	}
	vp := f.VarParam()
	if vp != nil {
		c := *vp
		c.AllowMarked = true
		c.AllowUnknown = true
		vp = &c
	}
	return params, vp
}

// tryFunc is Terraform's try, charged per argument, evaluating each
// argument once (the hcl extension evaluates them for the type and again
// for the value, which nested calls turn into exponential work).
func (g *guard) tryFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
		Type:     func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for _, a := range args {
				if err := g.step(1); err != nil {
					return cty.NilVal, err
				}
				v, diags := customdecode.ExpressionClosureFromVal(a).Value()
				if g.err != nil {
					return cty.NilVal, g.err
				}
				if diags.HasErrors() {
					continue
				}
				if !v.IsWhollyKnown() {
					return cty.DynamicVal, nil
				}
				return v, nil
			}
			return cty.NilVal, errors.New("no expression succeeded")
		},
	})
}

// canFunc is Terraform's can, charged one step.
func (g *guard) canFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "expression", Type: customdecode.ExpressionClosureType}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := g.step(1); err != nil {
				return cty.NilVal, err
			}
			v, diags := customdecode.ExpressionClosureFromVal(args[0]).Value()
			switch {
			case g.err != nil:
				return cty.NilVal, g.err
			case diags.HasErrors():
				return cty.False, nil
			case !v.IsWhollyKnown():
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.True, nil
		},
	})
}

// satAdd adds without overflow.
func satAdd(a, b int64) int64 {
	if b > math.MaxInt64-a {
		return math.MaxInt64
	}
	return a + b
}

// satMul multiplies non-negative numbers without overflow.
func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// argString returns a known string argument, or "".
func argString(v cty.Value) string {
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// argNumber returns a known numeric argument (or a string that converts
// to one).
func argNumber(v cty.Value) (float64, bool) {
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil || n.IsNull() || !n.IsKnown() {
		return 0, false
	}
	f, _ := n.AsBigFloat().Float64()
	return f, true
}

// argLen returns the length of a known collection argument, or 0.
func argLen(v cty.Value) int64 {
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
		return 0
	}
	return int64(v.LengthInt())
}

// clampCost turns a float estimate into a cost.
func clampCost(f float64) int64 {
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	if f >= math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(f)
}

// rangeCost is the length of range(start, limit, step).
func rangeCost(_ *guard, args []cty.Value) int64 {
	nums := make([]float64, 0, len(args))
	for _, a := range args {
		f, ok := argNumber(a)
		if !ok {
			return 0
		}
		nums = append(nums, f)
	}
	start, limit, step := 0.0, 0.0, 1.0
	switch len(nums) {
	case 1:
		limit = nums[0]
	case 2:
		start, limit = nums[0], nums[1]
		if limit < start {
			step = -1
		}
	case 3:
		start, limit, step = nums[0], nums[1], nums[2]
	default:
		return 0
	}
	if step == 0 {
		return 0
	}
	return clampCost(math.Ceil((limit - start) / step))
}

// joinCost is the separator repeated once per element.
func joinCost(_ *guard, args []cty.Value) int64 {
	if len(args) == 0 {
		return 0
	}
	var n int64
	for _, a := range args[1:] {
		n = satAdd(n, argLen(a))
	}
	return satMul(int64(len(argString(args[0]))), n)
}

// formatCost allows each verb its widest output.
func formatCost(_ *guard, args []cty.Value) int64 {
	if len(args) == 0 {
		return 0
	}
	f := argString(args[0])
	return satAdd(int64(len(f)), satMul(int64(strings.Count(f, "%")), 1000))
}

// formatListCost is one formatted string per element of the longest list.
func formatListCost(g *guard, args []cty.Value) int64 {
	if len(args) == 0 {
		return 0
	}
	var n, scalars int64
	for _, a := range args[1:] {
		if u, _ := a.Unmark(); u.IsKnown() && !u.IsNull() && u.CanIterateElements() {
			n = max(n, int64(u.LengthInt()))
			continue
		}
		s, _ := g.size(a, g.lim.CollectionElements)
		scalars = satAdd(scalars, s)
	}
	return satMul(max(n, 1), satAdd(formatCost(g, args[:1]), scalars))
}

// indentCost is the indent repeated once per line.
func indentCost(_ *guard, args []cty.Value) int64 {
	if len(args) != 2 {
		return 0
	}
	spaces, ok := argNumber(args[0])
	if !ok {
		return 0
	}
	lines := float64(strings.Count(argString(args[1]), "\n") + 1)
	return clampCost(spaces * lines)
}

// replaceCost is the replacement written once per possible match.
func replaceCost(_ *guard, args []cty.Value) int64 {
	if len(args) != 3 {
		return 0
	}
	s, sub, repl := argString(args[0]), argString(args[1]), argString(args[2])
	matches := int64(len(s)) + 1
	if len(sub) > 0 && !(len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/")) {
		matches = int64(len(s)/len(sub)) + 1
	}
	return satMul(matches, int64(len(repl)))
}

// regexAllCost is every position of the string matching, with every group.
func regexAllCost(_ *guard, args []cty.Value) int64 {
	if len(args) != 2 {
		return 0
	}
	groups := int64(strings.Count(argString(args[0]), "(")) + 1
	return satMul(int64(len(argString(args[1])))+1, groups)
}

// jsonDecodeCost refuses JSON nested deeper than the depth budget, which
// the decoder would follow by recursion.
func jsonDecodeCost(g *guard, args []cty.Value) int64 {
	if len(args) != 1 {
		return 0
	}
	if jsonDepth([]byte(argString(args[0]))) > g.lim.Depth {
		g.fail(limits.Exceeded("JSON depth", g.lim.Depth))
	}
	return 0
}

// wideVerb matches a format verb with a width or precision of four digits
// or more, which would let a configuration allocate without bound.
var wideVerb = regexp.MustCompile(`%[-+ #0]*(\d{4,}|\d*\.\d{4,})`)

// boundedFormat wraps format and formatlist to refuse huge widths.
func boundedFormat(f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 0 {
				if s, ok := toString(args[0]); ok && wideVerb.MatchString(s) {
					return cty.NilVal, errors.New("format width too large")
				}
			}
			return f.Call(args)
		},
	})
}

// base64Func is Terraform's base64encode (encode) or base64decode: UTF-8
// text to standard base64 and back. Decoding text that is not base64, or
// not UTF-8 once decoded, is an error, as in Terraform.
func base64Func(encode bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := args[0].AsString()
			if encode {
				return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(s))), nil
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil || !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), errors.New("base64decode: the string is not base64-encoded UTF-8")
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// base64Cost is the length of the result.
func base64Cost(_ *guard, args []cty.Value) int64 { return int64(len(argString(args[0])))*4/3 + 4 }
