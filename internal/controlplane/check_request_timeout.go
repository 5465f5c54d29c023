package controlplane

// FC-CIS-020 inspects the API server's --request-timeout: unset passes
// (60s); a Go duration up to 300s passes; a longer or unparseable one
// fails.

import (
	"fmt"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
)

const maxRequestTimeout = 300 * time.Second

func evalRequestTimeout(c *ComponentConfig) []check.Violation {
	a, ok := c.Flag("request-timeout")
	if !ok {
		return nil
	}
	d, err := time.ParseDuration(a.Value)
	switch {
	case err != nil:
		return []check.Violation{{Message: fmt.Sprintf("%s --request-timeout=%q is not a duration", c.Component, a.Value), Field: "--request-timeout", Line: a.Line}}
	case d > maxRequestTimeout || d <= 0:
		return []check.Violation{{Message: fmt.Sprintf("%s must set --request-timeout to at most %s (it is %s)", c.Component, maxRequestTimeout, d), Field: "--request-timeout", Line: a.Line}}
	}
	return nil
}
