package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// busyChart writes a Helm chart whose render takes far longer than the
// test waits.
func busyChart(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: busy\nversion: 0.1.0\n",
		// 10^10 iterations: within the budgets the tests raise
		// (busyFlags), far longer than they wait.
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{- range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end }}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// busyTerraform writes a Terraform module whose evaluation takes far longer
// than the test waits (within its budgets, which the test raises).
func busyTerraform(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tf := "locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestInterruptTerraform: SIGTERM during an HCL evaluation.
func TestInterruptTerraform(t *testing.T) {
	bin := realBinary(t)
	outDir := t.TempDir()
	cmd := exec.Command(bin, "scan", busyTerraform(t), "--scanners", "iac", "--format", "json", "--output", filepath.Join(outDir, "r.json"),
		"--max-time-per-input", "60s", "--limit", "collection-elements=2000000000", "--limit", "eval-steps=2000000000")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitBusy(t, cmd.Process.Pid)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Errorf("exit = %v, want 143 (stderr: %s)", err, stderr.String())
	}
	if took > 2*time.Second {
		t.Errorf("exited %v after the signal, want < 2s", took)
	}
	if s := stderr.String(); strings.Contains(s, "panic") {
		t.Errorf("stderr: %s", s)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("output directory holds %v after an interrupt", entries)
	}
}

// busyFlags raise the budgets so that busyChart keeps fourc busy.
var busyFlags = []string{"--max-time-per-input", "60s", "--limit", "render-steps=1000000000000"}

// TestInterrupt sends SIGTERM or SIGINT to a busy fourc: it must say so in
// one line, exit with 143 or 130 within 2 s, print no panic and write no
// report file.
func TestInterrupt(t *testing.T) {
	bin := realBinary(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			src := busyChart(t)
			outDir := t.TempDir()
			out := filepath.Join(outDir, "report.json")
			cmd := exec.Command(bin, append([]string{"scan", src, "--format", "json", "--output", out}, busyFlags...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitBusy(t, cmd.Process.Pid)
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Errorf("exit = %v, want code %d", err, tc.code)
			}
			if took > 2*time.Second {
				t.Errorf("exited %v after the signal, want < 2s", took)
			}
			if s := stderr.String(); s != "fourc: interrupted\n" {
				t.Errorf("stderr = %q, want one line", s)
			}
			if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
				t.Errorf("output directory holds %v after an interrupt", entries)
			}
		})
	}
}

// TestSecondSignal: a second signal exits at once.
func TestSecondSignal(t *testing.T) {
	bin := realBinary(t)
	cmd := exec.Command(bin, append([]string{"scan", busyChart(t), "--format", "json"}, busyFlags...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitBusy(t, cmd.Process.Pid)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Process.Signal(syscall.SIGINT)
	start := time.Now()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit = %v, want 130", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("exited %v after the second signal", d)
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// waitBusy waits until a process has used half a second of CPU: past its
// start-up (package initialisation, flag parsing, the signal handler) and
// into its scan, however loaded the machine is. A fixed sleep is not
// enough on a busy machine, where start-up alone can take longer.
func waitBusy(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatalf("reading the process's CPU time: %v", err)
		}
		// fields after the command name: state is 3, utime 14, stime 15
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.Atoi(f[11])
			s, _ := strconv.Atoi(f[12])
			if u+s >= 50 { // clock ticks of 10 ms
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the process did not get busy within 30 s")
}
