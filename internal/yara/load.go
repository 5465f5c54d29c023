package yara

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxRuleFiles caps the files one LoadFiles reads.
const maxRuleFiles = 10_000

// LoadFiles reads .yar and .yara files, and the ones found (recursively)
// in directories, and compiles them: a rule that uses an unsupported
// feature is left out with an error naming the file, line and rule, the
// rest compile; a syntax error fails only its file. The errors list both.
// A file larger than 16 MiB is refused. An include directive is resolved only to a file in
// the directory of the file that includes it or below: an absolute path or
// one that leaves that directory is refused.
func LoadFiles(paths ...string) (*Rules, []error) {
	var srcs []Source
	var errs []error
	add := func(p string) {
		if len(srcs) >= maxRuleFiles {
			errs = append(errs, fmt.Errorf("%s: more than %d rule files", p, maxRuleFiles))
			return
		}
		b, err := readBounded(p)
		if err != nil {
			errs = append(errs, err)
			return
		}
		srcs = append(srcs, Source{Name: p, Text: b})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			if !d.IsDir() && d.Type().IsRegular() && isRuleFile(q) {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		slices.Sort(found)
		for _, q := range found {
			add(q)
		}
	}
	rs, cerrs := compileWith(includeFrom, srcs...)
	return rs, append(errs, cerrs...)
}

func isRuleFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yar" || ext == ".yara"
}

// readBounded reads a regular file of at most maxSourceBytes.
func readBounded(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSourceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSourceBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxSourceBytes)
	}
	return b, nil
}

// includeFrom resolves `include "name"` in the file from: name must be a
// local path below from's directory, and resolve (symbolic links
// included) inside it.
func includeFrom(from, name string) (Source, error) {
	if !filepath.IsLocal(name) {
		return Source{}, fmt.Errorf("include %q: only files in the directory of %s or below may be included", name, filepath.Base(from))
	}
	dir := filepath.Dir(from)
	p := filepath.Join(dir, name)
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return Source{}, fmt.Errorf("include %q: %w", name, err)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return Source{}, fmt.Errorf("include %q: %w", name, err)
	}
	if rel, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(rel) {
		return Source{}, fmt.Errorf("include %q: resolves outside the directory of %s", name, filepath.Base(from))
	}
	b, err := readBounded(real)
	if err != nil {
		return Source{}, fmt.Errorf("include %q: %w", name, err)
	}
	return Source{Name: p, Text: b}, nil
}
