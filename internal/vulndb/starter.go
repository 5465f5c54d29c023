package vulndb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// StarterModule is the pinned Go module whose data/osv folder holds the
// real OSV records of the Go vulnerability database; `fourc db import
// --starter` builds an offline database from it.
const StarterModule = "golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018"

// ImportStarter fetches [StarterModule] through the go command (the module
// proxy, or the local module cache when offline) and imports its records
// into the database at path.
func ImportStarter(ctx context.Context, path string, now func() time.Time) (Status, error) {
	dir, err := downloadModule(ctx, StarterModule)
	if err != nil {
		return Status{}, err
	}
	src := filepath.Join(dir, "data", "osv")
	st, err := Import(ctx, path, src, ImportOptions{Now: now})
	if err != nil {
		return Status{}, fmt.Errorf("importing %q: %w", src, err)
	}
	return st, nil
}

// downloadModule fetches a Go module through the go command and returns
// its directory.
func downloadModule(ctx context.Context, mod string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("--starter needs the go command to fetch %s: %w", mod, err)
	}
	var stdout, stderr bytes.Buffer
	c := exec.CommandContext(ctx, goBin, "mod", "download", "-json", mod)
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		return "", fmt.Errorf("go mod download %s: %v: %s", mod, err, strings.TrimSpace(stdout.String()+stderr.String()))
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", mod, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", mod, info.Error)
	}
	return info.Dir, nil
}
