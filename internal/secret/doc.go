// Package secret finds credentials committed to files: cloud keys, private
// keys, API tokens, database URLs with passwords and high-entropy values
// assigned to secret-looking names.
//
// The engine is built for throughput. A [Detector] compiles a rule set once:
// the lower-cased keywords of every rule go into one Aho-Corasick automaton
// that runs over the raw bytes, and a rule's regular expression runs only on
// the few lines around a hit of one of its keywords. Every secret found is
// redacted before it leaves the package: a [Match] and a finding carry at
// most the first four characters of the value and a short hash of it, never
// the value itself.
//
// The [Scanner] plugs the detector into the engine: a cheap path filter
// drops vendored trees, lock files, images, archives and fonts; binary files
// (a NUL byte in the first 8 KiB) are passed over silently; files are read in
// overlapping windows so that huge files are scanned in bounded memory.
//
// Rules can be added in fourc.yaml ([RuleConfig]) or by loading a Gitleaks
// TOML configuration ([Options.GitleaksConfig]).
package secret
