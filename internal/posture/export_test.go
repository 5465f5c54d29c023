package posture

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

// ParseRules reads a YAML list of rules (the value of posture.rules) and
// compiles them. Unknown keys are errors.
func ParseRules(data []byte) (*RuleSet, error) {
	var rules []Rule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("posture rules: %w", err)
	}
	return CompileRules(rules)
}
