package finding

import (
	"fmt"
	"strings"
)

// Severity ranks how bad a finding is on its own. The zero value is
// SeverityUnknown; higher values are worse.
type Severity int

// Severities, in increasing order.
const (
	SeverityUnknown Severity = iota
	SeverityInfo
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"UNKNOWN", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// Severities lists every known severity from lowest to highest.
func Severities() []Severity {
	return []Severity{SeverityUnknown, SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// String returns the upper-case name, e.g. "HIGH".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// Valid reports whether s is one of the named severities.
func (s Severity) Valid() bool { return s >= SeverityUnknown && s <= SeverityCritical }

// ParseSeverity parses a severity name, ignoring case.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityUnknown, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.ToLower(strings.Join(severityNames[:], ", ")))
}

// MarshalText encodes the severity by name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
