// Package reach decides how far the code of a Go module reaches the
// vulnerable symbols of a set of advisories: called, imported only, or
// required only. It runs govulncheck's analysis (golang.org/x/vuln/scan) in
// a child process of fourc, so that the analysis is bounded in time and
// memory, stops at once when the context is cancelled (the child is killed
// with its whole process group), and can never crash fourc; results are
// cached between runs, keyed by the module's sources and the advisories.
//
// The child is the fourc executable itself: [MaybeChild] must be the first
// call of main (and of TestMain in packages whose tests analyse
// reachability).
package reach

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// Level is how far the code reaches a vulnerability.
type Level string

// Levels, from most to least exposed.
const (
	// Called: a vulnerable function is called.
	Called Level = "called"
	// Imported: a vulnerable package is imported, none of its vulnerable
	// functions is called.
	Imported Level = "imported"
	// Required: the module is required, no vulnerable package imported.
	Required Level = "required"
)

// Rank orders levels: Called 3, Imported 2, Required 1, anything else 0.
func (l Level) Rank() int {
	switch l {
	case Called:
		return 3
	case Imported:
		return 2
	case Required:
		return 1
	}
	return 0
}

// Key names one advisory in one module.
type Key struct {
	// OSV is the advisory ID, e.g. "GO-2024-3333".
	OSV string `json:"osv"`
	// Module is the vulnerable module's path, e.g. "golang.org/x/net".
	Module string `json:"module"`
}

// Trace is what the analysis found for one advisory in one module.
type Trace struct {
	Level Level `json:"level"`
	// CallPath, for Called, runs from the module's own code to the
	// vulnerable function, e.g. ["example.com/shop.main",
	// "golang.org/x/net/html.Parse"].
	CallPath []string `json:"call_path,omitempty"`
}

// Result maps each advisory the analysis reported to its trace. An advisory
// of the input that is absent was not found reachable at any level: its
// module is required only.
type Result map[Key]Trace

// Options bound and direct one analysis.
type Options struct {
	// Records are the OSV records (JSON) of the advisories to look for,
	// by ID. Only these are analysed: the smaller the set, the faster.
	Records map[string][]byte
	// Offline stops the go command from downloading modules
	// (GOPROXY=off): a module whose dependencies are not in the module
	// cache then fails fast.
	Offline bool
	// Timeout bounds one analysis; zero means [DefaultTimeout].
	Timeout time.Duration
	// MaxMemory bounds the child's resident memory in bytes; zero means
	// [DefaultMaxMemory]. The child is killed when it goes over.
	MaxMemory int64
	// CacheDir holds cached results; empty disables the cache.
	CacheDir string
	// Executable is the program started as the child; empty means
	// os.Executable().
	Executable string
}

// Defaults of [Options].
const (
	DefaultTimeout   = 2 * time.Minute
	DefaultMaxMemory = 2 << 30
)

// ErrNoGo is returned when the go command is not installed: the analysis
// needs it to load the module's packages.
var ErrNoGo = errors.New("the go command is not installed (Go call-path analysis needs it to load the module)")

// Analyse runs the analysis over the Go module in dir. Errors read well on
// their own: they name the module and say what to do.
func Analyse(ctx context.Context, dir string, o Options) (Result, error) {
	if len(o.Records) == 0 {
		return Result{}, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, ErrNoGo
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxMemory <= 0 {
		o.MaxMemory = DefaultMaxMemory
	}
	key, err := cacheKey(ctx, dir, goCmd, o)
	if err != nil {
		return nil, err
	}
	if res, ok := loadCache(o.CacheDir, key); ok {
		return res, nil
	}
	res, err := analyse(ctx, goCmd, dir, o)
	if err != nil {
		return nil, err
	}
	storeCache(o.CacheDir, key, res)
	return res, nil
}

// analyse lists the packages the module imports and runs the call-path
// analysis only for the advisories whose vulnerable packages are among
// them; the others are required only.
func analyse(ctx context.Context, goCmd, dir string, o Options) (Result, error) {
	tctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	imported, err := importedPackages(tctx, goCmd, dir, o.Offline)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if tctx.Err() != nil {
			return nil, fmt.Errorf("call-path analysis of Go module %q took longer than %s (raise --reachability-timeout or pass --reachability=false)", dir, o.Timeout)
		}
		return nil, err
	}
	candidates := map[string][]byte{}
	for id, rec := range o.Records {
		ok, err := mayReach(rec, imported)
		if err != nil {
			return nil, fmt.Errorf("analysing Go call paths: %s: %w", id, err)
		}
		if ok {
			candidates[id] = rec
		}
	}
	if len(candidates) == 0 {
		return Result{}, nil
	}
	o.Records = candidates
	return runChild(ctx, dir, o)
}

// DefaultCacheDir is where results are cached: the user cache directory's
// fourc/reach, or "" when there is none.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return d + string(os.PathSeparator) + "fourc" + string(os.PathSeparator) + "reach"
}

// moduleError says that the module could not be analysed, in words a user
// understands, with the first lines of what the go command said.
func moduleError(dir, msg string) error {
	return fmt.Errorf("the Go module in %q could not be loaded: %s", dir, msg)
}
