package render

import (
	"errors"
	"reflect"
)

// errCycle is returned when a template would make a map or list contain
// itself: printing such a value recurses without end.
var errCycle = errors.New("value would contain itself")

// valueCost returns the work of printing or serializing v: one step per
// map entry or list element and bytesCost per string, counting a value
// shared by several parents once per parent (as printing does). Shared
// values are measured once, so the walk is linear in the distinct values
// even when their expansion is exponential; it stops as soon as the cost
// passes limit. A cycle is an error.
//
// memo carries the costs of values measured before; it must be cleared
// whenever a template mutates a map (set, unset, merge).
func valueCost(memo map[uintptr]int64, v any, limit int64) (int64, error) {
	w := costWalk{memo: memo, open: map[uintptr]bool{}, limit: limit}
	return w.cost(reflect.ValueOf(v), 0)
}

// reaches reports whether target (a map or slice) is reachable from v.
func reaches(v any, target any) bool {
	t := reflect.ValueOf(target)
	if k := t.Kind(); (k != reflect.Map && k != reflect.Slice) || t.IsNil() {
		return false
	}
	want := t.Pointer()
	seen := map[uintptr]bool{}
	stack := []reflect.Value{reflect.ValueOf(v)}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for x.IsValid() && (x.Kind() == reflect.Interface || x.Kind() == reflect.Pointer) && !x.IsNil() {
			x = x.Elem()
		}
		if !x.IsValid() {
			continue
		}
		switch x.Kind() {
		case reflect.Map:
			if x.IsNil() || seen[x.Pointer()] {
				continue
			}
			if x.Pointer() == want {
				return true
			}
			seen[x.Pointer()] = true
			it := x.MapRange()
			for it.Next() {
				stack = append(stack, it.Value())
			}
		case reflect.Slice:
			if x.IsNil() || x.Type().Elem().Kind() == reflect.Uint8 || seen[x.Pointer()] {
				continue
			}
			if x.Pointer() == want {
				return true
			}
			seen[x.Pointer()] = true
			for i := range x.Len() {
				stack = append(stack, x.Index(i))
			}
		case reflect.Array:
			for i := range x.Len() {
				stack = append(stack, x.Index(i))
			}
		}
	}
	return false
}

type costWalk struct {
	memo  map[uintptr]int64
	open  map[uintptr]bool
	limit int64
	nodes int64
}

// maxValueDepth bounds the nesting the walk follows.
const maxValueDepth = 10_000

func (w *costWalk) cost(v reflect.Value, depth int) (int64, error) {
	if depth > maxValueDepth {
		return 0, errors.New("value nested too deeply")
	}
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) {
		if v.IsNil() {
			return 1, nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return 1, nil
	}
	var id uintptr
	switch v.Kind() {
	case reflect.String:
		return bytesCost(v.Len()), nil
	case reflect.Map, reflect.Slice:
		if v.IsNil() {
			return 1, nil
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return bytesCost(v.Len()), nil
		}
		id = v.Pointer() ^ uintptr(v.Len())<<1
		if c, ok := w.memo[id]; ok {
			return c, nil
		}
		if w.open[id] {
			return 0, errCycle
		}
		w.open[id] = true
		defer delete(w.open, id)
	case reflect.Array, reflect.Struct:
	default:
		return 1, nil
	}
	w.nodes++
	if w.nodes > w.limit {
		return w.limit + 1, nil
	}
	total, err := w.children(v, depth)
	if err != nil || total > w.limit {
		return total, err
	}
	if id != 0 {
		w.memo[id] = total
	}
	return total, nil
}

// children returns the cost of a map, slice, array or struct: one for
// itself and the cost of each element (exported fields of a struct), or
// more than the limit as soon as the sum passes it.
func (w *costWalk) children(v reflect.Value, depth int) (int64, error) {
	total := int64(1)
	add := func(c int64, err error) error {
		if err != nil {
			return err
		}
		total += c
		return nil
	}
	switch v.Kind() {
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := add(w.cost(it.Key(), depth+1)); err != nil {
				return 0, err
			}
			if err := add(w.cost(it.Value(), depth+1)); err != nil {
				return 0, err
			}
			if total > w.limit {
				return total, nil
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := add(w.cost(v.Index(i), depth+1)); err != nil {
				return 0, err
			}
			if total > w.limit {
				return total, nil
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if err := add(w.cost(v.Field(i), depth+1)); err != nil {
				return 0, err
			}
			if total > w.limit {
				return total, nil
			}
		}
	}
	return total, nil
}
