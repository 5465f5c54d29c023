package check

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var idPattern = regexp.MustCompile(`^FC-[A-Z0-9]{2,6}-[0-9]{3}$`)

// Registry is the validated catalogue of every check fourc knows.
type Registry struct {
	all  []Meta
	byID map[string]int
}

// NewRegistry validates the given checks and builds a catalogue sorted by
// ID. It reports every problem at once: malformed or duplicate IDs, missing
// titles or remediation, invalid severities or layers.
func NewRegistry(groups ...[]Meta) (*Registry, error) {
	r := &Registry{byID: map[string]int{}}
	var errs []error
	for _, g := range groups {
		for _, m := range g {
			if err := Validate(m); err != nil {
				errs = append(errs, err)
				continue
			}
			if _, dup := r.byID[m.ID]; dup {
				errs = append(errs, fmt.Errorf("check %s: duplicate ID", m.ID))
				continue
			}
			r.byID[m.ID] = len(r.all)
			r.all = append(r.all, m)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(r.all, func(a, b Meta) int { return cmp.Compare(a.ID, b.ID) })
	for i, m := range r.all {
		r.byID[m.ID] = i
	}
	return r, nil
}

// Validate checks one check's metadata.
func Validate(m Meta) error {
	var errs []error
	if !idPattern.MatchString(m.ID) {
		errs = append(errs, fmt.Errorf("ID must match %s", idPattern))
	}
	if strings.TrimSpace(m.Title) == "" {
		errs = append(errs, errors.New("title is empty"))
	}
	if !m.Severity.Valid() || m.Severity == 0 {
		errs = append(errs, fmt.Errorf("invalid severity %d", int(m.Severity)))
	}
	if !m.Layer.Valid() {
		errs = append(errs, fmt.Errorf("invalid layer %d", int(m.Layer)))
	}
	if strings.TrimSpace(m.Remediation) == "" {
		errs = append(errs, errors.New("remediation is empty"))
	}
	if strings.TrimSpace(m.Description) == "" {
		errs = append(errs, errors.New("description is empty"))
	}
	for _, ref := range m.References {
		if ref.Source == "" {
			errs = append(errs, errors.New("reference without source"))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("check %q: %w", m.ID, errors.Join(errs...))
}

// All returns every check, sorted by ID. The slice must not be modified.
func (r *Registry) All() []Meta { return r.all }

// Lookup returns the check with the given ID.
func (r *Registry) Lookup(id string) (Meta, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Meta{}, false
	}
	return r.all[i], true
}
