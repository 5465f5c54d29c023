package iac

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

// callers knows which directories of a tree are local modules called by
// another directory. Those are scanned through their callers, with the
// inputs the callers give them, and not again on their own: a child module
// scanned alone would report its hard-coded problems twice, and judge its
// variables without the values they really get.
type callers struct {
	mu      sync.Mutex
	exclude []string
	fsys    fs.FS
	called  map[string]bool
}

// isCalled reports whether dir is called as a local module from another
// directory of fsys. The tree is read once per file system.
func (c *callers) isCalled(ctx context.Context, fsys fs.FS, dir string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.called == nil || !sameFS(c.fsys, fsys) {
		c.fsys, c.called = fsys, calledDirs(ctx, fsys, c.exclude)
	}
	return c.called[dir]
}

// sameFS reports whether a and b are certainly the same file system.
func sameFS(a, b fs.FS) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta == nil || ta != tb {
		return false
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	switch va.Kind() {
	case reflect.Map, reflect.Pointer, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return va.Pointer() == vb.Pointer()
	}
	return ta.Comparable() && a == b
}

// skipWalk are directories that never hold callers worth reading.
func skipWalk(name string) bool {
	switch name {
	case ".git", ".hg", ".svn", ".terraform", "node_modules":
		return true
	}
	return false
}

// calledDirs walks fsys and returns the directories that some module block
// (in a file of another directory) names as its local source. Excluded
// paths are not read: their calls do not count.
func calledDirs(ctx context.Context, fsys fs.FS, exclude []string) map[string]bool {
	called := map[string]bool{}
	depth := limits.From(ctx).Depth
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil {
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && (skipWalk(d.Name()) || source.Excluded(p, exclude)) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".tf") || !d.Type().IsRegular() || source.Excluded(p, exclude) {
			return nil
		}
		src, err := source.ReadFile(fsys, p, 0)
		if err != nil || !bytes.Contains(src, []byte("module")) || hclTooDeep(src, depth) {
			return nil
		}
		dir := path.Dir(p)
		for _, s := range moduleSources(src, p) {
			if target, ok := localSource(dir, s); ok && target != dir {
				called[target] = true
			}
		}
		return nil
	})
	return called
}

// moduleSources returns the literal sources of a file's module blocks.
func moduleSources(src []byte, name string) []string {
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() || f == nil {
		return nil
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range body.Blocks {
		if b.Type != "module" {
			continue
		}
		if a := b.Body.Attributes["source"]; a != nil {
			if s, ok := literalString(a.Expr); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
