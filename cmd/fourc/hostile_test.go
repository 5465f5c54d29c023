package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/corpus"
)

// pendingCases are hostile cases whose fix is in another part of fourc
// than the frame this test checks (the scanner named as the case's
// owner). Their failures are logged, not reported, until the fix lands;
// then the case is removed from this list.
var pendingCases = map[string]bool{}

// Budgets of the hostile runs: tight, so that every case ends fast.
const hostileConfig = `limits:
  per-input: 2s
  file-bytes: 64MiB
  rendered-bytes: 32MiB
  layer-bytes: 256MiB
  image-bytes: 512MiB
  components: 200000
  connect-timeout: 2s
  header-timeout: 2s
  request-timeout: 4s
  response-bytes: 16MiB
`

const (
	hostileTimeout = 20 * time.Second // the process is killed after this
	hostileMaxTime = 15 * time.Second // and must have ended before this
	hostileMaxRSS  = 500 << 20        // peak resident memory
	hostileKillRSS = 1536 << 20       // protects the machine from a run away case
	rssPoll        = 20 * time.Millisecond
)

// TestHostileCorpus runs the real fourc binary on every case of the
// hostile corpus and checks the promises of docs/limits.md: bounded time
// and memory, no panic, a skipped entry naming the input, no file written
// outside the report and nothing read from outside the scan root.
func TestHostileCorpus(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("the hostile corpus runs the real binary on large inputs (-short; never under CI)")
	}
	bin := realBinary(t)
	db := starter(t)
	cases := corpus.Cases()
	cases = append(cases, vulndbCases(t)...)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			problems, m := runHostile(t, bin, db, c)
			t.Logf("%s: exit %d in %v, peak RSS %d MiB, skipped %v", c.Name, m.code, m.elapsed.Round(10*time.Millisecond), m.rss>>20, m.skipped)
			if len(problems) == 0 {
				if pendingCases[c.Name] {
					t.Logf("%s passes: remove it from pendingCases", c.Name)
				}
				return
			}
			if pendingCases[c.Name] {
				t.Logf("pending (%s): %s", c.Owner, strings.Join(problems, "; "))
				return
			}
			t.Errorf("%s", strings.Join(problems, "\n"))
		})
	}
}

// vulndbCases damage a real vulnerability database.
func vulndbCases(t *testing.T) []corpus.Case {
	damaged := func(name string, damage func([]byte) []byte) corpus.Case {
		return corpus.Case{Name: name, Owner: "vulndb", Write: func(tb testing.TB, dir string) corpus.Run {
			data, err := os.ReadFile(starter(t))
			if err != nil {
				tb.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "fourc.db"), damage(data), 0o644); err != nil {
				tb.Fatal(err)
			}
			bom := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"golang.org/x/text","version":"v0.3.0","purl":"pkg:golang/golang.org/x/text@v0.3.0"}]}`
			if err := os.WriteFile(filepath.Join(dir, "bom.json"), []byte(bom), 0o644); err != nil {
				tb.Fatal(err)
			}
			return corpus.Run{Args: []string{"sbom", "scan", "bom.json", "--db", "fourc.db"}}
		}}
	}
	return []corpus.Case{
		damaged("vulndb-truncated", func(b []byte) []byte { return b[:len(b)/2] }),
		damaged("vulndb-bitflip", func(b []byte) []byte {
			for i := 4096; i < len(b); i += 4093 {
				b[i] ^= 0x5a
			}
			return b
		}),
	}
}

type measure struct {
	code    int
	elapsed time.Duration
	rss     int64
	skipped []string
}

func runHostile(t *testing.T, bin, db string, c corpus.Case) ([]string, measure) {
	var m measure
	base := t.TempDir()
	dir, outDir, home := filepath.Join(base, "case"), filepath.Join(base, "out"), t.TempDir()
	for _, d := range []string{dir, outDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := c.Write(t, dir)
	cfg := filepath.Join(home, "fourc.yaml")
	if err := os.WriteFile(cfg, []byte(hostileConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(outDir, "report.json")
	before := snapshot(t, dir)
	var outsideBefore map[string]string
	if run.Outside != "" {
		outsideBefore = snapshot(t, run.Outside)
	}

	maxTime, killAfter := hostileMaxTime, hostileTimeout
	if run.MaxTime > 0 {
		maxTime, killAfter = run.MaxTime, run.MaxTime+5*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), killAfter)
	defer cancel()
	args := append(slices.Clone(run.Args), "--config", cfg, "--format", "json", "--output", out, "--fail-on-skipped")
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "PATH=" + os.Getenv("PATH"), "GOFLAGS=-mod=mod", "GOPROXY=off", "FOURC_DB=" + db}, run.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	mem := watchRSS(ctx, cmd.Process.Pid)
	err := cmd.Wait()
	m.elapsed = time.Since(start)
	m.rss = mem.peak.Load()
	m.code = cmd.ProcessState.ExitCode()

	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	switch {
	case mem.killed.Load():
		fail("killed above %d MiB of memory", hostileKillRSS>>20)
	case ctx.Err() != nil:
		fail("killed after %v", killAfter)
	case err != nil && !errors.As(err, new(*exec.ExitError)):
		fail("run: %v", err)
	}
	if m.code != 0 && m.code != 1 && m.code != 2 {
		fail("exit code %d, want 0, 1 (skipped inputs) or 2", m.code)
	}
	if m.elapsed > maxTime {
		fail("took %v, want < %v", m.elapsed.Round(time.Millisecond), maxTime)
	}
	if m.rss > hostileMaxRSS {
		fail("peak RSS %d MiB, want < %d MiB", m.rss>>20, hostileMaxRSS>>20)
	}
	if s := stderr.String(); strings.Contains(s, "panic:") || strings.Contains(s, "goroutine ") {
		fail("stderr shows a panic: %.400s", s)
	}
	var rep struct {
		Skipped []struct{ Path, Scanner, Reason string }
	}
	data, rerr := os.ReadFile(out)
	switch {
	case m.code == 2:
		if rerr == nil {
			fail("exit 2 but a report was written")
		}
	case rerr != nil:
		fail("no report: %v (stderr: %.300s)", rerr, stderr.String())
	default:
		if err := json.Unmarshal(data, &rep); err != nil {
			fail("report is not JSON: %v", err)
		}
		for _, s := range rep.Skipped {
			m.skipped = append(m.skipped, s.Path+": "+s.Reason)
		}
		if run.Skipped != "" && !slices.ContainsFunc(rep.Skipped, func(s struct{ Path, Scanner, Reason string }) bool {
			return strings.Contains(s.Path, run.Skipped) || strings.Contains(s.Reason, run.Skipped)
		}) {
			fail("no skipped entry names %q (skipped: %v)", run.Skipped, m.skipped)
		}
		if run.Forbidden != "" && bytes.Contains(data, []byte(run.Forbidden)) {
			fail("report holds %q: something was read from outside the scan root", run.Forbidden)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		fail("the case directory changed (-before +after):\n%s", diff)
	}
	if run.Outside != "" {
		if diff := cmp.Diff(outsideBefore, snapshot(t, run.Outside)); diff != "" {
			fail("a directory outside the case changed (-before +after):\n%s", diff)
		}
	}
	if entries, _ := os.ReadDir(outDir); len(entries) > 1 {
		fail("the output directory holds more than the report: %v", entries)
	}
	return problems, m
}

// snapshot lists the files under dir with their sizes and modes, without
// following symlinks or opening anything.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	s := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s[rel] = info.Mode().String() + " " + strconv.FormatInt(info.Size(), 10) + " " + info.ModTime().String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// memWatch is what watchRSS saw of a process.
type memWatch struct {
	// killed says the process was killed above hostileKillRSS.
	killed atomic.Bool
	// peak is the highest VmHWM (peak resident set) read, in bytes. It
	// is read from /proc every rssPoll: ru_maxrss of a child started with
	// vfork also counts the parent's memory, so it cannot be used.
	peak atomic.Int64
}

// watchRSS follows the resident memory of a process until ctx is done or
// the process is gone, and kills it when it passes hostileKillRSS, so that
// a case that runs away cannot take the machine with it.
func watchRSS(ctx context.Context, pid int) *memWatch {
	w := &memWatch{}
	go func() {
		tick := time.NewTicker(rssPoll)
		defer tick.Stop()
		for {
			status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				return
			}
			for _, line := range strings.Split(string(status), "\n") {
				v, ok := strings.CutPrefix(line, "VmHWM:")
				if !ok {
					continue
				}
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if b := kb << 10; b > w.peak.Load() {
					w.peak.Store(b)
				}
				if kb<<10 > hostileKillRSS {
					w.killed.Store(true)
					_ = syscall.Kill(pid, syscall.SIGKILL)
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}
