// Package sast finds insecure patterns in source code (Code layer, checks
// FC-SAST-001…).
//
// Go code is analysed with gosec's rules, run as a library: the rules that
// matter for defence in depth (disabled TLS verification, old TLS versions,
// weak hashes and ciphers, hard-coded credentials, SQL built from strings,
// permissive file modes, HTTP servers without timeouts, …) are mapped one
// to one onto fourc checks, each naming its gosec rule in its references.
//
// gosec's rules need type information. The scanner loads each Go module of
// the tree with golang.org/x/tools/go/packages when the tree is on disk
// ([Options.Root]), with the go command kept offline when asked, its
// toolchain pinned to the local one, the user's go.mod and go.sum left
// untouched (a copy is passed with -modfile) and a time limit. When a module
// cannot be loaded — no go command, a broken go.mod, a missing dependency
// that stops `go list` — or the tree is not on disk, each package is
// type-checked from its own files: the standard library's types come from
// the go command's export data when it runs, every other import is an empty
// stand-in, and type errors are ignored. The rules that matter here look at
// standard-library types (crypto/tls.Config, database/sql, os), so they
// still fire. If not even the standard library can be loaded, the rules run
// on the syntax alone and the module is reported as skipped with the reason.
//
// Two checks are fourc's own and need no types: sensitive values passed to
// loggers (one [logLanguage] per language; Go is the first) and plain-HTTP
// URLs to non-local hosts in code and configuration files.
package sast
