package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/limits"
)

// Limits is the limits: section of fourc.yaml: any field of limits.Limits,
// named in kebab case (per-input, file-bytes, render-steps, …). Fields left
// out keep their defaults. Durations read like "30s", byte counts like
// 268435456 or "256MiB".
type Limits struct {
	limits.Limits
}

// UnmarshalYAML reads a mapping of budget names to values.
func (c *Limits) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: limits must be a mapping of budget names to values", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: limits.%s must be a single value", v.Line, k.Value)
		}
		if err := SetLimit(&c.Limits, k.Value, v.Value); err != nil {
			return fmt.Errorf("line %d: %w", k.Line, err)
		}
	}
	return nil
}

// LimitNames lists the budget names SetLimit accepts, in the order of the
// fields of limits.Limits.
func LimitNames() []string {
	t := reflect.TypeFor[limits.Limits]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, kebab(t.Field(i).Name))
	}
	return names
}

// SetLimit sets the budget called name (kebab case, e.g. "per-input") from
// its text form: a duration ("30s") for times, a count or a size ("64MiB")
// for the others. Zero or negative values are refused: a budget cannot be
// turned off.
func SetLimit(l *limits.Limits, name, value string) error {
	v := reflect.ValueOf(l).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if kebab(f.Name) != name {
			continue
		}
		fv := v.Field(i)
		value = strings.TrimSpace(value)
		if f.Type == reflect.TypeFor[time.Duration]() {
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				return fmt.Errorf("limit %s: %q is not a positive duration like 30s", name, value)
			}
			fv.SetInt(int64(d))
			return nil
		}
		n, err := ParseSize(value)
		if err != nil || n <= 0 {
			return fmt.Errorf("limit %s: %q is not a positive number or size like 64MiB", name, value)
		}
		if fv.OverflowInt(n) {
			return fmt.Errorf("limit %s: %q is too large", name, value)
		}
		fv.SetInt(n)
		return nil
	}
	return fmt.Errorf("unknown limit %q (want one of %s)", name, strings.Join(LimitNames(), ", "))
}

// ParseSize reads a non-negative count or byte size: "1000", "64KiB", "64MiB", "2GiB",
// "1kB", "1MB", "1GB" (powers of 1024 for the "i" forms, of 1000 for the
// others).
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
	}
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("size %q is negative", s)
	}
	if n > (1<<63-1)/mult {
		return 0, fmt.Errorf("size %q overflows", s)
	}
	return n * mult, nil
}

// kebab turns a Go field name into its config name: PerInput → per-input.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
