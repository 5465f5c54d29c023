package reach

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// cacheVersion changes whenever the cached form or the analysis changes.
const cacheVersion = "reach-1 x/vuln v1.9.0"

// cacheKey hashes everything the result depends on: the analysis version,
// the Go toolchain and build settings, the advisories, and every Go source,
// go.mod, go.sum and go.work of the module (nested modules, vendor-less
// test data and hidden folders excluded). Dependencies are pinned by go.sum.
func cacheKey(ctx context.Context, dir, goCmd string, o Options) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s/%s\x00%s\x00%s\x00%v\x00", cacheVersion, runtime.GOOS, runtime.GOARCH,
		os.Getenv("GOFLAGS"), os.Getenv("GOEXPERIMENT"), o.Offline)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if v, err := exec.CommandContext(ctx, goCmd, "env", "GOVERSION", "GOWORK").Output(); err == nil {
		h.Write(v)
	}
	ids := make([]string, 0, len(o.Records))
	for id := range o.Records {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(h, "%s\x00%d\x00", id, len(o.Records[id]))
		h.Write(o.Records[id])
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if p != dir {
				if _, err := os.Lstat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // a nested module is not part of this one
				}
			}
			return nil
		}
		if !d.Type().IsRegular() || !(strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" || name == "go.work" || name == "modules.txt") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("analysing Go call paths: reading module %q: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cached is the form of a cache file.
type cached struct {
	Findings []cachedFinding `json:"findings"`
}

type cachedFinding struct {
	Key
	Trace
}

func loadCache(dir, key string) (Result, bool) {
	if dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(dir, key+".json"))
	if err != nil {
		return nil, false
	}
	var c cached
	if json.Unmarshal(b, &c) != nil {
		return nil, false
	}
	res := Result{}
	for _, f := range c.Findings {
		res[f.Key] = f.Trace
	}
	return res, true
}

// storeCache writes the result atomically; a cache that cannot be written
// only costs the next run time.
func storeCache(dir, key string, res Result) {
	if dir == "" {
		return
	}
	var c cached
	for k, t := range res {
		c.Findings = append(c.Findings, cachedFinding{k, t})
	}
	slices.SortFunc(c.Findings, func(a, b cachedFinding) int {
		return strings.Compare(a.OSV+"\x00"+a.Module, b.OSV+"\x00"+b.Module)
	})
	b, err := json.Marshal(c)
	if err != nil || os.MkdirAll(dir, 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, key+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(dir, key+".json")) != nil {
		os.Remove(tmp.Name())
	}
}
