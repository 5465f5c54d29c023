package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
	goyaml "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/fourc-dev/fourc/internal/limits"
)

// helmFuncs are the template functions of one Helm render: Sprig's and
// Helm's, each wrapped so that it charges the render's meter. Functions
// that produce lists or strings from a count (until, repeat, indent, …)
// check the count before they allocate; functions that print or copy a
// value (toYaml, printf, deepCopy, …) are charged the size of that value;
// functions that build a map or list may not build one whose printed form
// exceeds CollectionElements; a panic in a function becomes its error.
type helmFuncs struct {
	m     *meter
	pre   map[string]precheck
	post  map[string]postcheck
	memo  map[uintptr]int64 // see valueCost; used by the render goroutine only
	depth int               // include and tpl nesting
}

func newHelmFuncs(m *meter) *helmFuncs {
	return &helmFuncs{m: m, memo: map[uintptr]int64{}, pre: prechecks(), post: postchecks()}
}

// funcs returns the function map bound to t (include and tpl execute
// templates of t's set).
func (h *helmFuncs) funcs(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toToml":        toTOML,
		"fromToml":      fromTOML,
		"toYaml":        toYAML,
		"toYamlPretty":  toYAMLPretty,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required":      required,
		"fail":          func(msg string) (string, error) { return "", errors.New(msg) },
		"lookup": func(string, string, string, string) (map[string]any, error) {
			return map[string]any{}, nil
		},
		"getHostByName": func(string) string { return "" },
		"print":         fmt.Sprint,
		"printf":        fmt.Sprintf,
		"println":       fmt.Sprintln,
	}
	for k, v := range extra {
		f[k] = v
	}
	for k, v := range h.bound(t) {
		f[k] = v
	}
	for k, v := range f {
		f[k] = h.wrap(k, v)
	}
	return f
}

// bound returns include and tpl for template set t, unwrapped.
func (h *helmFuncs) bound(t *template.Template) template.FuncMap {
	return template.FuncMap{"include": h.include(t), "tpl": h.tpl(t)}
}

// nest enters one level of include or tpl.
func (h *helmFuncs) nest() error {
	h.depth++
	if h.depth > h.m.lim.Depth {
		return h.m.fail(limits.Exceeded("template nesting", h.m.lim.Depth))
	}
	return nil
}

func (h *helmFuncs) include(t *template.Template) func(string, any) (string, error) {
	return func(name string, data any) (string, error) {
		defer func() { h.depth-- }()
		if err := h.nest(); err != nil {
			return "", err
		}
		if err := h.m.charge(includeCost); err != nil {
			return "", err
		}
		w := &writer{m: h.m, max: h.m.lim.RenderedBytes}
		err := t.ExecuteTemplate(w, name, data)
		return w.String(), err
	}
}

func (h *helmFuncs) tpl(parent *template.Template) func(string, any) (string, error) {
	return func(text string, vals any) (string, error) {
		defer func() { h.depth-- }()
		if err := h.nest(); err != nil {
			return "", err
		}
		if err := h.m.charge(includeCost + bytesCost(len(text)) + int64(len(parent.Templates()))); err != nil {
			return "", err
		}
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cloning template: %w", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(h.wrapAll(h.bound(t)))
		t, err = t.New(parent.Name()).Parse(text)
		if err != nil {
			return "", fmt.Errorf("parsing tpl %q: %w", abbrev(text), err)
		}
		w := &writer{m: h.m, max: h.m.lim.RenderedBytes}
		if err := t.Execute(w, vals); err != nil {
			return "", fmt.Errorf("executing tpl %q: %w", abbrev(text), err)
		}
		return strings.ReplaceAll(w.String(), "<no value>", ""), nil
	}
}

func (h *helmFuncs) wrapAll(f template.FuncMap) template.FuncMap {
	for k, v := range f {
		f[k] = h.wrap(k, v)
	}
	return f
}

// abbrev shortens template text quoted in an error.
func abbrev(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

var errorType = reflect.TypeFor[error]()

// includeCost is the steps charged for executing a named template or tpl
// text: each costs about as much as a hundred cheap function calls.
const includeCost = 100

// yamlCost and jsonCost weigh the printed size of a value serialized to
// YAML or JSON: YAML encoding is much slower per byte than copying.
const (
	yamlCost = 16
	jsonCost = 4
)

// wrap returns fn with the same parameters, returning (result, error),
// charging the meter around each call (see helmFuncs).
func (h *helmFuncs) wrap(name string, fn any) any {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func || t.NumOut() == 0 || t.NumOut() > 2 {
		return fn
	}
	ins := make([]reflect.Type, t.NumIn())
	for i := range ins {
		ins[i] = t.In(i)
	}
	out := t.Out(0)
	ft := reflect.FuncOf(ins, []reflect.Type{out, errorType}, t.IsVariadic())
	pre, post := h.pre[name], h.post[name]
	return reflect.MakeFunc(ft, func(args []reflect.Value) (res []reflect.Value) {
		fail := func(err error) []reflect.Value {
			return []reflect.Value{reflect.Zero(out), reflect.ValueOf(&err).Elem()}
		}
		if err := h.m.charge(1); err != nil {
			return fail(err)
		}
		if pre != nil {
			cost, err := pre(h, args)
			if err == nil {
				err = h.m.charge(cost)
			}
			if err != nil {
				return fail(fmt.Errorf("%s: %w", name, err))
			}
		}
		defer func() {
			if r := recover(); r != nil {
				if err := h.m.Err(); err != nil {
					res = fail(err)
					return
				}
				res = fail(fmt.Errorf("%s: %v", name, r))
			}
		}()
		var got []reflect.Value
		if t.IsVariadic() {
			got = v.CallSlice(args)
		} else {
			got = v.Call(args)
		}
		if len(got) == 2 && !got[1].IsNil() {
			return got
		}
		if err := h.charged(got[0]); err != nil {
			return fail(fmt.Errorf("%s: %w", name, err))
		}
		if post != nil {
			if err := post(h, args, got[0]); err != nil {
				return fail(fmt.Errorf("%s: %w", name, err))
			}
		}
		return []reflect.Value{got[0], reflect.Zero(errorType)}
	}).Interface()
}

// charged charges the size of a function's result: its bytes for a
// string, its elements for a list or map.
func (h *helmFuncs) charged(v reflect.Value) error {
	for v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		if int64(v.Len()) > h.m.lim.RenderedBytes {
			return h.m.outputCapped()
		}
		return h.m.charge(bytesCost(v.Len()))
	case reflect.Slice, reflect.Map:
		return h.m.charge(int64(v.Len()))
	}
	return nil
}

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

func required(warn string, val any) (any, error) {
	if val == nil {
		return val, errors.New(warn)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, errors.New(warn)
	}
	return val, nil
}

func toYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func toYAMLPretty(v any) string {
	var b bytes.Buffer
	e := goyaml.NewEncoder(&b)
	e.SetIndent(2)
	if err := e.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func fromYAML(s string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []any {
	a := []any{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

func toTOML(v any) string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(v); err != nil {
		return err.Error()
	}
	return b.String()
}

func fromTOML(s string) map[string]any {
	m := map[string]any{}
	if err := toml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]any {
	m := map[string]any{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []any {
	a := []any{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}
