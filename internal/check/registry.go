package check

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// idPattern is the shape of the ID of a check fourc ships: FC-<AREA>-<NNN>.
var idPattern = regexp.MustCompile(`^FC-[A-Z0-9]{2,6}-[0-9]{3}$`)

// userIDPattern is the shape of the ID of a user's own rule (a secret rule
// or a posture rule from fourc.yaml): a short name of letters, digits, dot,
// underscore and dash that does not start with "FC-", which is fourc's.
var userIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidUserID reports whether id may name a user's rule: it matches
// [A-Za-z0-9][A-Za-z0-9._-]{0,63} and does not start with "FC-" in any
// case, so it can never collide with a check fourc ships now or later.
func ValidUserID(id string) error {
	if strings.HasPrefix(strings.ToUpper(id), "FC-") {
		return fmt.Errorf("ID %q: IDs starting with FC- are reserved for fourc's own checks", id)
	}
	if !userIDPattern.MatchString(id) {
		return fmt.Errorf("ID %q must match %s", id, userIDPattern)
	}
	return nil
}

// Registry is the validated catalogue of every check fourc can emit: the
// checks it ships and, once [Registry.WithUser] is called, the user's own
// rules.
type Registry struct {
	all  []Meta
	byID map[string]int
}

// NewRegistry validates the given checks and builds a catalogue sorted by
// ID. It reports every problem at once: malformed or duplicate IDs, missing
// titles, descriptions or remediation, invalid severities or layers,
// references without a source.
func NewRegistry(groups ...[]Meta) (*Registry, error) {
	r := &Registry{byID: map[string]int{}}
	if err := r.add(Validate, groups); err != nil {
		return nil, err
	}
	return r, nil
}

// WithUser returns a copy of the registry that also holds the user's rules.
// Their IDs must pass [ValidUserID] and be unique across every group and
// fourc's own checks; the rest of the metadata is validated as for a
// built-in check.
func (r *Registry) WithUser(groups ...[]Meta) (*Registry, error) {
	out := &Registry{all: slices.Clone(r.all), byID: map[string]int{}}
	for id, i := range r.byID {
		out.byID[id] = i
	}
	if err := out.add(ValidateUser, groups); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Registry) add(validate func(Meta) error, groups [][]Meta) error {
	var errs []error
	for _, g := range groups {
		for _, m := range g {
			if err := validate(m); err != nil {
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
		return err
	}
	slices.SortFunc(r.all, func(a, b Meta) int { return cmp.Compare(a.ID, b.ID) })
	for i, m := range r.all {
		r.byID[m.ID] = i
	}
	return nil
}

// Validate checks the metadata of a check fourc ships.
func Validate(m Meta) error {
	var errs []error
	if !idPattern.MatchString(m.ID) {
		errs = append(errs, fmt.Errorf("ID must match %s", idPattern))
	}
	return metaError(m, append(errs, validateFields(m)...))
}

// ValidateUser checks the metadata of a user's rule: its ID is in the
// user's namespace (see [ValidUserID]), the rest as for [Validate].
func ValidateUser(m Meta) error {
	var errs []error
	if err := ValidUserID(m.ID); err != nil {
		errs = append(errs, err)
	}
	return metaError(m, append(errs, validateFields(m)...))
}

func metaError(m Meta, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("check %q: %w", m.ID, errors.Join(errs...))
}

// validateFields checks everything but the ID.
func validateFields(m Meta) []error {
	var errs []error
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
		if strings.TrimSpace(ref.Source) == "" {
			errs = append(errs, errors.New("reference without source"))
		}
	}
	return errs
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
