package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/limits"
)

// Value is one source of a chart's values, as `helm template` takes them:
// a values file (--values) or a --set expression. Exactly one of File,
// Data or Set is used.
type Value struct {
	// File is a values file of the scan root (a slash path relative to
	// it), read during the render under the chart's budget.
	File string
	// Data is a values file the caller has read already (one named on
	// the command line); Name says where it came from, for errors.
	Data []byte
	Name string
	// Set is a --set expression: "a.b=c,list[0].x=true", with `\,` and
	// `\.` escaping commas and dots; "1" is an int, "true" a bool and
	// "null" deletes the key.
	Set string
}

// String names the source for a person: the values file, or the --set
// expression.
func (v Value) String() string {
	switch {
	case v.Set != "":
		return fmt.Sprintf("--set %q", v.Set)
	case v.File != "":
		return fmt.Sprintf("values file %q", v.File)
	}
	return fmt.Sprintf("values file %q", v.Name)
}

// ChartValues are the values a scan gives its Helm charts: each chart's
// own (from fourc.yaml), then the ones for every chart (from the command
// line), so the command line wins.
type ChartValues struct {
	// PerChart maps a chart directory (a slash path relative to the scan
	// root, "." for a chart at the root) to its values.
	PerChart map[string][]Value
	// All apply to every chart, after its own.
	All []Value
}

// For returns the values of the chart in dir, in the order they apply.
func (c ChartValues) For(dir string) []Value {
	own := c.PerChart[path.Clean(dir)]
	if len(own) == 0 {
		return c.All
	}
	return append(append([]Value(nil), own...), c.All...)
}

func mergeValues(ctx context.Context, fsys fs.FS, vals []Value, b *budget) (map[string]any, error) {
	lim := limits.From(ctx)
	out := map[string]any{}
	for _, v := range vals {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if v.Set != "" {
			if err := setValue(v.Set, out); err != nil {
				return nil, fmt.Errorf("%s: %w", v, err)
			}
		} else {
			m, err := readValues(fsys, v, b, lim)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v, err)
			}
			out = mergeMaps(out, m)
		}
		if err := checkValue(out, lim); err != nil {
			return nil, fmt.Errorf("%s: %w", v, err)
		}
	}
	return out, nil
}

// ParseValuesFile checks one values file's content as MergeValues would
// read it; the error does not name the file.
func ParseValuesFile(ctx context.Context, data []byte) error {
	lim := limits.From(ctx)
	_, err := parseValues(data, lim)
	return err
}

// CheckSet checks one --set expression.
func CheckSet(ctx context.Context, expr string) error {
	m := map[string]any{}
	if err := setValue(expr, m); err != nil {
		return err
	}
	return checkValue(m, limits.From(ctx))
}

// setValue applies a --set expression with Helm's own parser.
func setValue(expr string, dest map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	if err := strvals.ParseInto(expr, dest); err != nil {
		return oneLine(err)
	}
	return nil
}

// readValues reads and parses one values file.
func readValues(fsys fs.FS, v Value, b *budget, lim limits.Limits) (map[string]any, error) {
	data := v.Data
	if v.File != "" {
		p, err := clean(v.File)
		if err != nil {
			return nil, err
		}
		if fsys == nil {
			return nil, fmt.Errorf("no scan root to read it from")
		}
		data, err = b.read(fsys, p)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > lim.FileBytes {
		return nil, limits.Exceeded("values file size", limits.Bytes(lim.FileBytes))
	}
	return parseValues(data, lim)
}

// parseValues decodes a values file as Helm does (YAML into JSON types:
// numbers are float64) and checks its size.
func parseValues(data []byte, lim limits.Limits) (m map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, oneLine(err)
	}
	if m == nil {
		m = map[string]any{}
	}
	if err := checkValue(m, lim); err != nil {
		return nil, err
	}
	return m, nil
}

// mergeMaps returns b merged into a: maps are merged key by key, anything
// else in b replaces what a holds. Neither argument is changed.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// checkValue bounds a decoded values tree: its nesting by lim.Depth and
// its elements, counting a shared value once per place it appears, by
// lim.CollectionElements.
func checkValue(v any, lim limits.Limits) error {
	n := int64(0)
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		if depth > lim.Depth {
			return limits.Exceeded("values nesting", lim.Depth)
		}
		n++
		if n > lim.CollectionElements {
			return limits.Exceeded("values elements", lim.CollectionElements)
		}
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case []any:
			for _, e := range x {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case string, bool, float64, int64, int, nil:
		default:
			return fmt.Errorf("unexpected value of type %s", reflect.TypeOf(v))
		}
		return nil
	}
	return walk(v, 0)
}
