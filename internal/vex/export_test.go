package vex

// Entry points for tests only: production code reaches the same logic
// through their callers.

// Parse reads one VEX document from memory; name is used in errors.
func Parse(data []byte, name string) (*Statements, error) {
	s := &Statements{}
	if err := s.add(data, name); err != nil {
		return nil, err
	}
	return s, nil
}
