package render

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/limits"
)

// A precheck returns the cost of a call from its arguments, before the
// call allocates anything.
type precheck func(h *helmFuncs, args []reflect.Value) (int64, error)

// A postcheck inspects a call's result.
type postcheck func(h *helmFuncs, args []reflect.Value, res reflect.Value) error

// prechecks returns the prechecks by function name.
func prechecks() map[string]precheck {
	return map[string]precheck{
		"until":                      func(h *helmFuncs, a []reflect.Value) (int64, error) { return h.count(absInt(a[0].Int())) },
		"untilStep":                  preUntilStep,
		"seq":                        preSeq,
		"repeat":                     preRepeat,
		"indent":                     preIndent,
		"nindent":                    preIndent,
		"randAlpha":                  preRand,
		"randAlphaNum":               preRand,
		"randAscii":                  preRand,
		"randNumeric":                preRand,
		"replace":                    preReplace,
		"regexReplaceAll":            preRegexReplace,
		"mustRegexReplaceAll":        preRegexReplace,
		"regexReplaceAllLiteral":     preRegexReplace,
		"mustRegexReplaceAllLiteral": preRegexReplace,
		"wrapWith":                   preWrapWith,
		"uniq":                       preQuadratic,
		"mustUniq":                   preQuadratic,
		"without":                    preQuadratic,
		"mustWithout":                preQuadratic,
		"genPrivateKey":              preKey,
		"printf":                     prePrintf,
		"print":                      preValues,
		"println":                    preValues,
		"toString":                   preValues,
		"toStrings":                  preValues,
		"cat":                        preValues,
		"join":                       preValues,
		"quote":                      preValues,
		"squote":                     preValues,
		"toYaml":                     weighted(yamlCost),
		"toYamlPretty":               weighted(yamlCost),
		"toJson":                     weighted(jsonCost),
		"toPrettyJson":               weighted(jsonCost),
		"toRawJson":                  weighted(jsonCost),
		"mustToJson":                 weighted(jsonCost),
		"mustToPrettyJson":           weighted(jsonCost),
		"mustToRawJson":              weighted(jsonCost),
		"toToml":                     weighted(yamlCost),
		"deepCopy":                   preValues,
		"mustDeepCopy":               preValues,
		"merge":                      preValues,
		"mustMerge":                  preValues,
		"mergeOverwrite":             preValues,
		"mustMergeOverwrite":         preValues,
		"deepEqual":                  preValues,
	}
}

// postchecks returns the postchecks by function name.
func postchecks() map[string]postcheck {
	return map[string]postcheck{
		"dict":               postBuilt,
		"list":               postBuilt,
		"tuple":              postBuilt,
		"append":             postBuilt,
		"mustAppend":         postBuilt,
		"push":               postBuilt,
		"mustPush":           postBuilt,
		"prepend":            postBuilt,
		"mustPrepend":        postBuilt,
		"concat":             postBuilt,
		"set":                postSet,
		"unset":              postMutated,
		"merge":              postMutated,
		"mustMerge":          postMutated,
		"mergeOverwrite":     postMutated,
		"mustMergeOverwrite": postMutated,
	}
}

// count checks a number of elements or bytes about to be produced.
func (h *helmFuncs) count(n int64) (int64, error) {
	if n < 0 || n > h.m.lim.RenderSteps {
		return 0, h.m.fail(limits.Exceeded("rendering steps", h.m.lim.RenderSteps))
	}
	return n, nil
}

// size checks a number of bytes about to be produced.
func (h *helmFuncs) size(n int64) (int64, error) {
	if n < 0 || n > h.m.lim.RenderedBytes {
		return 0, h.m.outputCapped()
	}
	return bytesCost(int(n)), nil
}

func absInt(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// mulSat multiplies non-negative numbers, saturating instead of
// overflowing.
func mulSat(a, b int64) int64 {
	if a < 0 || b < 0 {
		return -1
	}
	if a != 0 && b > (1<<62)/a {
		return 1 << 62
	}
	return a * b
}

func preUntilStep(h *helmFuncs, a []reflect.Value) (int64, error) {
	start, stop, step := a[0].Int(), a[1].Int(), a[2].Int()
	if step == 0 {
		return 1, nil
	}
	span := stop - start
	if (span > 0) != (step > 0) {
		return 1, nil
	}
	return h.count(absInt(span/step) + 1)
}

func preSeq(h *helmFuncs, a []reflect.Value) (int64, error) {
	p := a[0]
	var n int64
	switch p.Len() {
	case 1:
		n = absInt(p.Index(0).Int())
	case 2:
		n = absInt(p.Index(1).Int() - p.Index(0).Int())
	case 3:
		step := absInt(p.Index(1).Int())
		if step == 0 {
			return 1, nil
		}
		n = absInt(p.Index(2).Int()-p.Index(0).Int()) / step
	}
	if _, err := h.count(n); err != nil {
		return 0, err
	}
	return h.size(mulSat(n, 21))
}

func preRepeat(h *helmFuncs, a []reflect.Value) (int64, error) {
	n := a[0].Int()
	if n < 0 {
		return 0, errors.New("negative count")
	}
	return h.size(mulSat(n, int64(a[1].Len())))
}

func preIndent(h *helmFuncs, a []reflect.Value) (int64, error) {
	n := a[0].Int()
	if n < 0 {
		n = 0
	}
	s := a[1].String()
	return h.size(int64(len(s)) + mulSat(n, int64(strings.Count(s, "\n")+2)))
}

func preRand(h *helmFuncs, a []reflect.Value) (int64, error) {
	return h.size(absInt(a[0].Int()))
}

func preReplace(h *helmFuncs, a []reflect.Value) (int64, error) {
	old, repl, s := a[0].String(), a[1].String(), a[2].String()
	n := int64(len(s) + 1)
	if old != "" {
		n = int64(strings.Count(s, old))
	}
	return h.size(int64(len(s)) + mulSat(n, int64(len(repl))))
}

func preRegexReplace(h *helmFuncs, a []reflect.Value) (int64, error) {
	re, s, repl := a[0].String(), a[1].String(), a[2].String()
	if mulSat(int64(len(s)+1), int64(len(repl))) <= h.m.lim.RenderedBytes/4 {
		return bytesCost(len(s) + len(repl)), nil
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return 0, nil // the function reports it
	}
	matches := int64(len(r.FindAllStringIndex(s, -1)))
	per := int64(len(repl))
	if strings.Contains(repl, "$") {
		per = mulSat(per, int64(len(s)+1)) // every $n may expand to the whole input
	}
	return h.size(int64(len(s)) + mulSat(matches, per))
}

func preWrapWith(h *helmFuncs, a []reflect.Value) (int64, error) {
	sep, s := a[1].String(), a[2].String()
	return h.size(int64(len(s)) + mulSat(int64(len(s)+1), int64(len(sep))))
}

func preQuadratic(h *helmFuncs, a []reflect.Value) (int64, error) {
	n := int64(0)
	if l := reflect.ValueOf(a[0].Interface()); l.Kind() == reflect.Slice || l.Kind() == reflect.Array {
		n = int64(l.Len())
	}
	m := n
	if len(a) > 1 && a[1].Kind() == reflect.Slice {
		m = int64(a[1].Len())
	}
	return h.count(mulSat(n, m) / 16)
}

func preKey(h *helmFuncs, a []reflect.Value) (int64, error) {
	if a[0].String() == "dsa" {
		return 0, errors.New("DSA keys are not generated (too slow)")
	}
	return 1000, nil
}

// prePrintf refuses widths and precisions that would allocate a huge
// string, and charges the printed size of the arguments.
func prePrintf(h *helmFuncs, a []reflect.Value) (int64, error) {
	format := a[0].String()
	num := int64(0)
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c >= '0' && c <= '9' {
			num = num*10 + int64(c-'0')
			if num > 1<<20 {
				return 0, fmt.Errorf("width or precision over %d", 1<<20)
			}
			continue
		}
		num = 0
		if c == '*' {
			return 0, errors.New("'*' widths are not supported")
		}
	}
	c, err := preValues(h, a[1:])
	return c + bytesCost(len(format)), err
}

// weighted charges the printed size of every argument times w.
func weighted(w int64) precheck {
	return func(h *helmFuncs, a []reflect.Value) (int64, error) {
		c, err := preValues(h, a)
		if err != nil {
			return 0, err
		}
		return h.count(mulSat(c, w))
	}
}

// preValues charges the printed size of every argument.
func preValues(h *helmFuncs, a []reflect.Value) (int64, error) {
	var total int64
	for _, v := range a {
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Interface {
			// variadic arguments
			for i := range v.Len() {
				c, err := h.cost(v.Index(i).Interface())
				if err != nil {
					return 0, err
				}
				total += c
			}
			continue
		}
		c, err := h.cost(v.Interface())
		if err != nil {
			return 0, err
		}
		total += c
	}
	return total, nil
}

// cost returns the printed size of v, refusing one over the step budget.
func (h *helmFuncs) cost(v any) (int64, error) {
	c, err := valueCost(h.memo, v, h.m.lim.RenderSteps)
	if err != nil {
		return 0, err
	}
	return h.count(c)
}

// postBuilt refuses a map or list whose printed form would exceed
// CollectionElements (values shared by several parents count once per
// parent: that is how they print).
func postBuilt(h *helmFuncs, _ []reflect.Value, res reflect.Value) error {
	c, err := valueCost(h.memo, res.Interface(), h.m.lim.CollectionElements)
	if err != nil {
		return err
	}
	if c > h.m.lim.CollectionElements {
		return h.m.fail(limits.Exceeded("template value elements", h.m.lim.CollectionElements))
	}
	return nil
}

// postSet refuses a set that makes a map contain itself.
func postSet(h *helmFuncs, a []reflect.Value, res reflect.Value) error {
	clear(h.memo)
	if reaches(a[2].Interface(), a[0].Interface()) {
		delete(a[0].Interface().(map[string]any), a[1].String())
		return h.m.fail(errCycle)
	}
	return postBuilt(h, a, res)
}

// postMutated forgets the measured sizes after a map was changed in place
// and checks the changed map.
func postMutated(h *helmFuncs, a []reflect.Value, res reflect.Value) error {
	clear(h.memo)
	return postBuilt(h, a, res)
}
