package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptReachability sends SIGINT or SIGTERM to the real binary
// while its Go call-path analysis runs (in a child process): fourc must
// exit with 130 or 143 within 2 s, print no panic, write no report, and
// leave no analysis process behind.
func TestInterruptReachability(t *testing.T) {
	bin := realBinary(t)
	db := starter(t)
	app, err := filepath.Abs(filepath.Join("..", "..", "internal", "vuln", "testdata", "reach", "app"))
	if err != nil {
		t.Fatal(err)
	}
	dl := exec.Command("go", "mod", "download")
	dl.Dir = app
	dl.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	if out, err := dl.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in %s: %v\n%s", app, err, out)
	}
	// The go commands the analysis starts keep the machine's build cache:
	// under a temporary XDG_CACHE_HOME they would write theirs there, and a
	// compile the signal cut short can still be removing its files when the
	// test cleans the directory up.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			outDir := t.TempDir()
			cmd := exec.Command(bin, "scan", app, "--db", db, "--offline", "--scanners", "vuln",
				"--format", "json", "--output", filepath.Join(outDir, "report.json"))
			// A fresh cache: the analysis must really run.
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "GOCACHE="+strings.TrimSpace(string(gocache)))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			child := waitForChild(t, cmd.Process.Pid, 2*time.Minute)
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Errorf("exit = %v, want code %d (stderr: %s)", err, tc.code, stderr.String())
			}
			if took > 2*time.Second {
				t.Errorf("exited %v after the signal, want < 2s", took)
			}
			if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
				t.Errorf("stderr: %s", s)
			}
			if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
				t.Errorf("output directory holds %v after an interrupt", entries)
			}
			deadline := time.Now().Add(2 * time.Second)
			for alive(child) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if alive(child) {
				t.Errorf("the analysis child %d still runs after fourc exited", child)
			}
		})
	}
}

// waitForChild returns the PID of the call-path analysis child of parent
// once it runs.
func waitForChild(t *testing.T, parent int, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			i := bytes.LastIndexByte(stat, ')')
			if f := bytes.Fields(stat[i+1:]); len(f) > 1 && string(f[1]) == strconv.Itoa(parent) {
				env, _ := os.ReadFile("/proc/" + e.Name() + "/environ")
				if bytes.Contains(env, []byte("FOURC_REACH_CHILD=")) {
					time.Sleep(200 * time.Millisecond) // let it get to work
					return pid
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no call-path analysis child of %d within %v", parent, limit)
	return 0
}

// alive reports whether a process runs (a zombie does not count).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	f := bytes.Fields(stat[i+1:])
	return len(f) > 0 && string(f[0]) != "Z"
}
