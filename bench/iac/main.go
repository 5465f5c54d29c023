// Command iacbench compares fourc's IaC scanner with tfsec and Trivy on the
// same input: a tree generated from the check fixtures (every pass and
// fail module of internal/iac/testdata/checks and every fixture of the
// rule packs, copied -copies times). It
// prints both wall and CPU times of the fastest run, peak RSS (fourc: this
// process, which also generated the input; tfsec: the child), the result
// counts and the ratios.
//
// The golden platform module is left out on purpose: tfsec v1.26.0, given
// a tree that also holds it, reports that module's results only and skips
// every other directory, which would compare unequal work.
//
// Run from the repository root:
//
//	go run ./bench/iac -copies 20 -tfsec ~/.cache/fourc-bench/bin/tfsec
//
// tfsec is installed with
//
//	GOFLAGS=-mod=mod GOBIN=~/.cache/fourc-bench/bin go install github.com/aquasecurity/tfsec/cmd/tfsec@v1.26.0
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/iac"
)

func main() {
	home, _ := os.UserHomeDir()
	copies := flag.Int("copies", 20, "how many copies of the fixture tree to scan")
	runs := flag.Int("runs", 3, "runs per tool; the fastest counts")
	tfsec := flag.String("tfsec", filepath.Join(home, ".cache", "fourc-bench", "bin", "tfsec"), "path to the tfsec binary")
	trivy := flag.String("trivy", filepath.Join(home, ".cache", "fourc-bench", "bin", "trivy"), "path to the trivy binary (bench/iac/install.sh); empty to skip")
	src := flag.String("fixtures", filepath.Join("internal", "iac", "testdata"), "the iac package's testdata directory")
	flag.Parse()
	if err := run(*src, *tfsec, *trivy, *copies, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "iacbench:", err)
		os.Exit(1)
	}
}

func run(src, tfsec, trivy string, copies, runs int) error {
	dir, err := os.MkdirTemp("", "iacbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := generate(src, dir, copies)
	if err != nil {
		return err
	}
	fmt.Printf("input: %d files (Go check fixtures and rule fixtures) in %d copies\n", files, copies)

	var res *engine.Result
	fourc, err := best(runs, func() (time.Duration, int64, error) {
		before := selfUsage()
		var err error
		res, err = engine.Run(context.Background(), os.DirFS(dir), []engine.Scanner{iac.NewScanner(iac.Options{})}, engine.Options{})
		after := selfUsage()
		return cpu(after) - cpu(before), after.Maxrss, err
	})
	if err != nil {
		return fmt.Errorf("running fourc: %w", err)
	}
	fmt.Printf("fourc iac: %8.3fs wall %8.3fs cpu %5d MB peak RSS  %d findings, %d units, %d skipped\n",
		fourc.wall.Seconds(), fourc.cpu.Seconds(), fourc.rssKB>>10, len(res.Findings), res.Units, len(res.Skipped))

	if _, err := os.Stat(tfsec); err != nil {
		return fmt.Errorf("tfsec not found at %q (see the command's doc for the install line): %w", tfsec, err)
	}
	ts, out, err := child(runs, tfsec, dir, "--format", "json", "--soft-fail", "--no-color", "--no-module-downloads")
	if err != nil {
		return fmt.Errorf("running tfsec: %w", err)
	}
	var report struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return fmt.Errorf("decoding tfsec output: %w", err)
	}
	fmt.Printf("tfsec:     %8.3fs wall %8.3fs cpu %5d MB peak RSS  %d results\n",
		ts.wall.Seconds(), ts.cpu.Seconds(), ts.rssKB>>10, len(report.Results))
	fmt.Printf("ratio:     tfsec takes %.1fx fourc's wall time, %.1fx its CPU time\n",
		ts.wall.Seconds()/fourc.wall.Seconds(), ts.cpu.Seconds()/fourc.cpu.Seconds())
	if trivy == "" {
		return nil
	}
	cache, err := os.MkdirTemp("", "iacbench-trivy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cache)
	tv, out, err := child(runs, trivy, "config", dir, "--format", "json", "--cache-dir", cache,
		"--skip-check-update", "--skip-version-check", "--disable-telemetry", "--quiet")
	if err != nil {
		return fmt.Errorf("running trivy: %w", err)
	}
	var tr struct {
		Results []struct {
			Misconfigurations []json.RawMessage `json:"Misconfigurations"`
		} `json:"Results"`
	}
	if err := json.Unmarshal(out, &tr); err != nil {
		return fmt.Errorf("decoding trivy output: %w", err)
	}
	n := 0
	for _, r := range tr.Results {
		n += len(r.Misconfigurations)
	}
	fmt.Printf("trivy:     %8.3fs wall %8.3fs cpu %5d MB peak RSS  %d misconfigurations\n",
		tv.wall.Seconds(), tv.cpu.Seconds(), tv.rssKB>>10, n)
	fmt.Printf("ratio:     trivy takes %.1fx fourc's wall time, %.1fx its CPU time\n",
		tv.wall.Seconds()/fourc.wall.Seconds(), tv.cpu.Seconds()/fourc.cpu.Seconds())
	return nil
}

// child runs a reference tool runs times and returns the fastest run, with
// the child's CPU time and peak RSS, and its standard output.
func child(runs int, bin string, args ...string) (measurement, []byte, error) {
	var out []byte
	m, err := best(runs, func() (time.Duration, int64, error) {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		var err error
		out, err = cmd.Output()
		if err != nil {
			return 0, 0, fmt.Errorf("%w: %s", err, stderr.String())
		}
		ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if ru == nil {
			return 0, 0, nil
		}
		return cpu(*ru), ru.Maxrss, nil
	})
	return m, out, err
}

// measurement is one run's wall and CPU time and peak RSS in KiB.
type measurement struct {
	wall, cpu time.Duration
	rssKB     int64
}

// best runs f n times and returns the fastest run by wall time. f returns
// the run's CPU time and peak RSS (KiB).
func best(n int, f func() (time.Duration, int64, error)) (measurement, error) {
	var min measurement
	for i := 0; i < max(n, 1); i++ {
		start := time.Now()
		c, rss, err := f()
		if err != nil {
			return measurement{}, err
		}
		if d := time.Since(start); i == 0 || d < min.wall {
			min = measurement{d, c, rss}
		}
	}
	return min, nil
}

// selfUsage returns this process's resource usage.
func selfUsage() syscall.Rusage {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru
}

// cpu returns user plus system time.
func cpu(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tfsecPanics are the rule fixtures tfsec v1.26.0 cannot read: it panics
// ("not a string") on a Cloud SQL database flag whose value is a number,
// which Terraform accepts and converts. Left out so that tfsec finishes.
var tfsecPanics = map[string]bool{"FC-GCP-110/pass1": true}

// generate copies every fixture module into dst, copies times, each under its own directory.
func generate(src, dst string, copies int) (int, error) {
	var modules []string
	for _, pattern := range []string{filepath.Join(src, "checks", "*", "*")} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return 0, err
		}
		modules = append(modules, m...)
	}
	if len(modules) == 0 {
		return 0, fmt.Errorf("no fixture modules under %q", src)
	}
	rules, err := iac.RuleFixtures()
	if err != nil {
		return 0, err
	}
	files := 0
	for i := range copies {
		for _, r := range rules {
			if tfsecPanics[r.Name] {
				continue
			}
			for name, body := range r.Files {
				out := filepath.Join(dst, fmt.Sprintf("copy%03d", i), "rules", filepath.FromSlash(r.Name), name)
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return 0, err
				}
				files++
				if err := os.WriteFile(out, []byte(body), 0o644); err != nil {
					return 0, err
				}
			}
		}
		for _, m := range modules {
			rel, err := filepath.Rel(src, m)
			if err != nil {
				return 0, err
			}
			target := filepath.Join(dst, fmt.Sprintf("copy%03d", i), rel)
			err = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				r, err := filepath.Rel(m, p)
				if err != nil {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out := filepath.Join(target, r)
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return err
				}
				files++
				return os.WriteFile(out, data, 0o644)
			})
			if err != nil {
				return 0, err
			}
		}
	}
	return files, nil
}
