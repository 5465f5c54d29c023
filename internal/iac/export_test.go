package iac

import (
	"context"
	"io/fs"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

// LoadModule loads and evaluates the whole module in dir; see loadModule.
func LoadModule(ctx context.Context, fsys fs.FS, dir string) (*Module, []finding.Skipped) {
	return loadModule(ctx, fsys, dir, nil)
}
