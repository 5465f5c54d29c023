package render

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// abandonAfter is how long a render that passed its deadline or whose
// context ended may take to reach its next charge before it is abandoned.
const abandonAfter = 500 * time.Millisecond

// renderChart executes a loaded chart's templates as Helm's engine does,
// under the budget of ctx: every template function charges a meter, the
// output is capped, and the render ends at its deadline or when ctx ends.
// text/template cannot be interrupted, so the templates run in their own
// goroutine, which stops at its next charge once the meter is stopped;
// a render that does not reach one (an empty loop) is abandoned.
func renderChart(ctx context.Context, chrt *chart.Chart, vals chartutil.Values) (map[string]string, error) {
	m := newMeter(ctx)
	type result struct {
		out map[string]string
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("internal error: %v", p)}
			}
			if err := m.Err(); err != nil {
				r = result{err: err}
			}
			done <- r
		}()
		r.out, r.err = execute(m, chrt, vals)
	}()
	timer := time.NewTimer(time.Until(m.deadline))
	defer timer.Stop()
	select {
	case r := <-done:
		return r.out, r.err
	case <-timer.C:
	case <-ctx.Done():
	}
	err := m.stop()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(abandonAfter):
		return nil, err
	}
}

// execute parses every template of the chart and its subcharts into one
// set and renders the ones that are not partials.
func execute(m *meter, chrt *chart.Chart, vals chartutil.Values) (map[string]string, error) {
	type tmpl struct {
		text, base string
		vals       map[string]any
	}
	all := map[string]tmpl{}
	var collect func(c *chart.Chart, parent map[string]any) map[string]any
	collect = func(c *chart.Chart, parent map[string]any) map[string]any {
		subs := map[string]any{}
		scope := map[string]any{
			"Chart": struct {
				chart.Metadata
				IsRoot bool
			}{*c.Metadata, c.IsRoot()},
			"Files":        chartFiles{m: m, files: filesOf(c)},
			"Release":      parent["Release"],
			"Capabilities": parent["Capabilities"],
			"Values":       chartutil.Values{},
			"Subcharts":    subs,
		}
		if c.IsRoot() {
			scope["Values"] = parent["Values"]
		} else if v, err := chartutil.Values(parent).Table("Values." + c.Name()); err == nil {
			scope["Values"] = v
		}
		for _, d := range c.Dependencies() {
			subs[d.Name()] = collect(d, scope)
		}
		library := strings.EqualFold(c.Metadata.Type, "library")
		for _, t := range c.Templates {
			if t == nil || (library && !strings.HasPrefix(path.Base(t.Name), "_")) {
				continue
			}
			all[path.Join(c.ChartFullPath(), t.Name)] = tmpl{
				text: string(t.Data), base: path.Join(c.ChartFullPath(), "templates"), vals: scope,
			}
		}
		return scope
	}
	collect(chrt, vals)

	// Deeper templates first, as Helm parses them: a define in a parent
	// chart overrides the subchart's.
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if ca, cb := strings.Count(a, "/"), strings.Count(b, "/"); ca != cb {
			return ca > cb
		}
		return a > b
	})

	h := newHelmFuncs(m)
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(h.funcs(t))
	for _, n := range names {
		if err := m.charge(bytesCost(len(all[n].text))); err != nil {
			return nil, err
		}
		if _, err := t.New(n).Parse(all[n].text); err != nil {
			return nil, oneLine(err)
		}
	}
	out := map[string]string{}
	var total int64
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		tp := all[n]
		tp.vals["Template"] = chartutil.Values{"Name": n, "BasePath": tp.base}
		w := &writer{m: m, max: m.lim.RenderedBytes - total}
		if err := t.ExecuteTemplate(w, n, tp.vals); err != nil {
			if budget := m.Err(); budget != nil {
				return nil, budget
			}
			return nil, execError(err)
		}
		total += int64(len(w.buf))
		out[n] = strings.ReplaceAll(w.String(), "<no value>", "")
	}
	return out, nil
}

// filesOf returns a chart's files (not its templates or values) by name.
func filesOf(c *chart.Chart) map[string][]byte {
	f := make(map[string][]byte, len(c.Files))
	for _, x := range c.Files {
		f[x.Name] = x.Data
	}
	return f
}

// execError shortens a template execution error to the innermost cause
// with its location, as Helm prints it.
func execError(err error) error {
	var ee template.ExecError
	if !errors.As(err, &ee) {
		return oneLine(err)
	}
	loc, rest, ok := strings.Cut(strings.TrimPrefix(ee.Error(), "template: "), ": executing")
	i := strings.LastIndex(rest, "error calling ")
	if !ok || i < 0 {
		return oneLine(ee)
	}
	_, msg, ok := strings.Cut(rest[i:], ": ")
	if !ok {
		return oneLine(ee)
	}
	return oneLine(fmt.Errorf("execution error at (%s): %s", loc, msg))
}
