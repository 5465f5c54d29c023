package reach

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"golang.org/x/vuln/scan"
)

// childEnv marks the child process; its value is the memory limit in bytes
// the child gives the Go runtime.
const childEnv = "FOURC_REACH_CHILD"

// MaybeChild runs the analysis and exits when this process is a child
// started by [Analyse]; otherwise it returns at once. Call it first thing
// in main.
func MaybeChild() {
	v, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	if limit, err := strconv.ParseInt(v, 10, 64); err == nil && limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	os.Exit(child(os.Args[1:]))
}

// child runs govulncheck with args, writing its JSON stream to stdout.
func child(args []string) int {
	cmd := scan.Command(context.Background(), args...)
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := cmd.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// runChild writes the records to a temporary database, starts the child on
// dir and reads its findings. The child runs in its own process group so
// that cancelling kills the go commands it started as well.
func runChild(ctx context.Context, dir string, o Options) (Result, error) {
	exe := o.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("analysing Go call paths: finding fourc's executable: %w", err)
		}
	}
	dbDir, err := os.MkdirTemp("", "fourc-reach-db-")
	if err != nil {
		return nil, fmt.Errorf("analysing Go call paths: %w", err)
	}
	defer os.RemoveAll(dbDir)
	for id, rec := range o.Records {
		if err := os.WriteFile(filepath.Join(dbDir, filepath.Base(id)+".json"), rec, 0o600); err != nil {
			return nil, fmt.Errorf("analysing Go call paths: writing advisories: %w", err)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var stdout bytes.Buffer
	stderr := &capped{max: 64 << 10}
	cmd := exec.Command(exe, "-C", dir, "-db", "file://"+dbDir, "-format", "json", "-scan", "symbol", "./...")
	cmd.Env = append(childEnviron(o.Offline), childEnv+"="+strconv.FormatInt(o.MaxMemory*3/4, 10))
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("analysing Go call paths: starting %q: %w", exe, err)
	}
	pid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var why error
	for why == nil {
		select {
		case err := <-done:
			return finish(dir, err, &stdout, stderr.String())
		case <-ctx.Done():
			why = ctx.Err()
			if errors.Is(why, context.DeadlineExceeded) {
				why = fmt.Errorf("call-path analysis of Go module %q took longer than %s (raise --reachability-timeout or pass --reachability=false)", dir, o.Timeout)
			}
		case <-tick.C:
			if rss := groupRSS(pid); rss > o.MaxMemory {
				why = fmt.Errorf("call-path analysis of Go module %q used more than %d MiB of memory and was stopped", dir, o.MaxMemory>>20)
			}
		}
	}
	// Kill the whole group: the child and the go commands it started.
	_ = killGroup(pid)
	<-done
	return nil, why
}

// finish interprets the child's exit.
func finish(dir string, waitErr error, stdout *bytes.Buffer, stderr string) (Result, error) {
	if waitErr != nil {
		msg := strings.TrimSpace(stderr)
		if msg == "" {
			msg = waitErr.Error()
		}
		if strings.Contains(msg, "panic:") {
			return nil, fmt.Errorf("call-path analysis of Go module %q crashed (findings kept as not analysed): %s", dir, firstLine(msg[strings.Index(msg, "panic:"):]))
		}
		return nil, moduleError(dir, firstLines(msg, 3))
	}
	return parse(stdout)
}

// childEnviron is the environment of the child: fourc's own, with module
// downloads off when offline, and the local toolchain only (a go.mod that
// asks for a newer Go fails with a clear message instead of downloading a
// toolchain).
func childEnviron(offline bool) []string {
	env := os.Environ()
	if offline {
		env = append(env, "GOPROXY=off")
	}
	return append(env, "GOTOOLCHAIN=local")
}

// govulncheckMessage is the part of govulncheck's JSON stream read here.
type govulncheckMessage struct {
	Finding *struct {
		OSV   string `json:"osv"`
		Trace []struct {
			Module   string `json:"module"`
			Package  string `json:"package"`
			Function string `json:"function"`
			Receiver string `json:"receiver"`
		} `json:"trace"`
	} `json:"finding"`
}

// parse folds govulncheck's findings into the most exposed level seen per
// (advisory, module), keeping the call path of the first call seen.
func parse(r io.Reader) (Result, error) {
	out := Result{}
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
		t := Trace{Level: Required}
		switch {
		case f.Function != "":
			t.Level = Called
			// The trace runs from the vulnerable symbol to the entry
			// point; a call path reads the other way.
			for i := len(m.Finding.Trace) - 1; i >= 0; i-- {
				fr := m.Finding.Trace[i]
				t.CallPath = append(t.CallPath, symbol(fr.Package, fr.Receiver, fr.Function))
			}
		case f.Package != "":
			t.Level = Imported
		}
		k := Key{OSV: m.Finding.OSV, Module: f.Module}
		if t.Level.Rank() > out[k].Level.Rank() {
			out[k] = t
		}
	}
}

func symbol(pkg, recv, fn string) string {
	name := fn
	if recv != "" {
		name = strings.TrimPrefix(recv, "*") + "." + fn
	}
	if pkg == "" {
		return name
	}
	return pkg + "." + name
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "; ")
}

// capped keeps the first max bytes written to it.
type capped struct {
	buf bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *capped) String() string { return c.buf.String() }
