package yara

// Compile compiles sources with includes refused, for tests that need no
// files: a rule that uses an unsupported feature is left out with an
// error naming the file, line and rule; a syntax error fails only its
// file. fourc itself loads rules with [LoadFiles].
func Compile(srcs ...Source) (*Rules, []error) {
	return compileWith(nil, srcs...)
}
