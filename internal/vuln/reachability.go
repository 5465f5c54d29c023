package vuln

// Reachability is how far Go code reaches a vulnerability, as govulncheck
// decides it.
type Reachability string

// Reachability levels, from most to least exposed. The empty value means
// reachability was not analysed (not a Go module, or analysis could not run).
const (
	// ReachabilityCalled: the code calls a vulnerable function.
	ReachabilityCalled Reachability = "called"
	// ReachabilityImported: the code imports a vulnerable package but calls
	// none of its vulnerable functions.
	ReachabilityImported Reachability = "imported"
	// ReachabilityRequired: the module is only required; no vulnerable
	// package is imported.
	ReachabilityRequired Reachability = "required"
)
