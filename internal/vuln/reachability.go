package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/vuln/scan"
)

// Reachability is how far Go code reaches a vulnerability, as govulncheck
// decides it.
type Reachability string

// Reachability levels, from most to least exposed. The empty value means
// reachability was not analysed (not a Go module, or analysis could not run).
const (
	// ReachabilityCalled: the code calls a vulnerable function.
	ReachabilityCalled Reachability = "called"
	// ReachabilityImported: the code imports a vulnerable package but calls
	// none of its vulnerable functions.
	ReachabilityImported Reachability = "imported"
	// ReachabilityRequired: the module is only required; no vulnerable
	// package is imported.
	ReachabilityRequired Reachability = "required"
	// ReachabilityUnknown: analysis was tried and could not run (module
	// does not build, dependencies missing offline). The module is required;
	// the finding is kept.
	ReachabilityUnknown Reachability = "unknown"
)

func (r Reachability) rank() int {
	switch r {
	case ReachabilityCalled:
		return 3
	case ReachabilityImported:
		return 2
	case ReachabilityRequired:
		return 1
	}
	return 0
}

// Reachable reports whether the vulnerability may be exercised: its code is
// called, or reachability was not or could not be analysed.
func (r Reachability) Reachable() bool {
	return r == ReachabilityCalled || r == ReachabilityUnknown || r == ""
}

// goReachability runs govulncheck (golang.org/x/vuln/scan, in process)
// over the Go module in dir against the OSV files in dbDir, and returns the
// reachability of each (OSV ID, module path) it reports. The module must
// build: its dependencies must be in the module cache or downloadable.
func goReachability(ctx context.Context, dir, dbDir string, env []string, timeout time.Duration) (map[[2]string]Reachability, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var stdout, stderr bytes.Buffer
	cmd := scan.Command(ctx, "-C", dir, "-db", "file://"+dbDir, "-format", "json", "-scan", "symbol", "./...")
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("govulncheck in %q: %w", dir, ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("govulncheck in %q: %s", dir, firstLines(msg, 3))
	}
	return parseGovulncheck(&stdout)
}

// govulncheckMessage is the part of govulncheck's JSON stream fourc reads.
type govulncheckMessage struct {
	Finding *struct {
		OSV   string `json:"osv"`
		Trace []struct {
			Module   string `json:"module"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

// parseGovulncheck folds govulncheck's findings into the highest level seen
// per (OSV ID, module).
func parseGovulncheck(r io.Reader) (map[[2]string]Reachability, error) {
	out := map[[2]string]Reachability{}
	dec := json.NewDecoder(r)
	for {
		var m govulncheckMessage
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading govulncheck output: %w", err)
		}
		if m.Finding == nil || len(m.Finding.Trace) == 0 {
			continue
		}
		f := m.Finding.Trace[0]
		level := ReachabilityRequired
		switch {
		case f.Function != "":
			level = ReachabilityCalled
		case f.Package != "":
			level = ReachabilityImported
		}
		k := [2]string{m.Finding.OSV, f.Module}
		if level.rank() > out[k].rank() {
			out[k] = level
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "; ")
}

// reachEnv is the environment govulncheck runs in: the process's, with
// module downloads turned off when offline is set so that a missing module
// fails fast instead of hanging.
func reachEnv(offline bool) []string {
	env := os.Environ()
	if offline {
		env = append(env, "GOPROXY=off")
	}
	return append(env, "GOTOOLCHAIN=local")
}
