// Package deps finds dependencies a project declares but does not need
// (Code layer, checks FC-DEP-001…). Every dependency is code that runs in
// the build or in production and a way in for a supply-chain attack; one
// that nothing uses is all risk and no benefit.
//
// For a Go module the scanner reads go.mod with golang.org/x/mod/modfile
// (keeping each requirement's line) and the imports of every Go file of
// the module — every build tag counts except "ignore", as for `go mod
// tidy`; nested modules, vendor, testdata, node_modules and directories
// starting with "." or "_" are left out. An import belongs to the required module with the
// longest path that prefixes it. A direct requirement (no "// indirect")
// that no file imports, no tool directive names and no go:generate line
// runs is reported; so is one imported only by _test.go files. Indirect
// requirements are never reported: whether a dependency needs them is not
// visible from the module alone.
//
// For an npm package the scanner reads package.json (with lines) and the
// import and require specifiers of its JavaScript and TypeScript sources,
// node_modules excluded. A "dependencies" entry that no source imports is
// reported unless it is a type package (@types/*), it is run by a script
// (by name or by one of its binaries, when node_modules holds its
// package.json), or package.json names it elsewhere (a preset or plugin in
// an inline tool config). One imported only by tests is reported as
// belonging in devDependencies.
package deps
