package controlplane

import (
	"github.com/fourc-dev/fourc/internal/check"
)

// Rules returns the benchmark as data: every rule of the package, in ID
// order, with its CIS numbers per benchmark version.
func Rules() []Rule {
	var out []Rule
	out = append(out, apiServerRules()...)
	out = append(out, controllerRules()...)
	out = append(out, etcdRules()...)
	out = append(out, kubeletRules()...)
	out = append(out, fileRules()...)
	out = append(out, managedRule())
	return out
}

// Checks returns the catalogue of the package's checks.
func Checks() []check.Meta {
	rules := Rules()
	out := make([]check.Meta, len(rules))
	for i, r := range rules {
		out[i] = r.Meta()
	}
	return out
}
