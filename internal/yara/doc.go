// Package yara is a YARA-compatible rule engine in pure Go: it compiles
// the part of the YARA language public rule sets use most (text, hex and
// regex strings with their common modifiers; conditions with counts,
// offsets, quantifiers and loops; the pe and elf modules' basics) and
// matches it against bytes with one Aho-Corasick pass for the whole rule
// set. A rule that uses anything else is left out with an error naming
// its file, line and name, never run with another meaning. Rule files,
// conditions and scans are bounded (see docs/yara.md): a hostile rule file
// is refused, a hostile data file costs bounded time and memory.
package yara
