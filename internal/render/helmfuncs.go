package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
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
