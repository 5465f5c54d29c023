// Command audit-bench measures `fourc k8s audit` on a large audit log: it
// writes N realistic API server audit events (JSON lines: controllers and
// kubelets reading and watching, service accounts reading their
// configmaps, deployments and pods created with their bodies at
// RequestResponse level, refused requests, a few execs and secret reads),
// then runs the fourc binary over the file in batch mode and in --follow
// mode, and prints throughput (events/s) and peak RSS from wait4's rusage.
//
//	go build -o /tmp/fourc ./cmd/fourc
//	go run ./bench/audit -fourc /tmp/fourc [-events 1000000] [-dir /tmp]
//
// In --follow mode the file is read from its start (--from-start); the
// last event is an exec into a pod named bench-sentinel, whose finding
// marks the end: the time to it is the run's time, then fourc is
// interrupted.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	fourc := flag.String("fourc", "", "the fourc binary to measure (required)")
	events := flag.Int("events", 1_000_000, "events to generate")
	dir := flag.String("dir", os.TempDir(), "folder for the generated log")
	keep := flag.Bool("keep", false, "keep the generated log")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *fourc, *events, *dir, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "audit-bench:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, fourc string, n int, dir string, keep bool) error {
	if fourc == "" {
		return errors.New("-fourc BINARY is required")
	}
	path := filepath.Join(dir, fmt.Sprintf("fourc-bench-audit-%d.log", n))
	if !keep {
		defer os.Remove(path)
	}
	start := time.Now()
	size, err := generate(path, n)
	if err != nil {
		return err
	}
	fmt.Printf("generated %d events, %.0f MB, in %s\n", n+1, float64(size)/1e6, time.Since(start).Round(time.Millisecond))

	// Both modes read the file from the page cache: flush what the
	// generator wrote and read it once.
	if err := warm(path); err != nil {
		return err
	}
	base, err := measure(ctx, fourc, []string{"version"}, "")
	if err != nil {
		return fmt.Errorf("fourc version: %w", err)
	}
	fmt.Printf("baseline: `fourc version` peak RSS %d MB (the binary's own pages and package initialisation)\n", base.maxRSS/1024)
	batch, err := measure(ctx, fourc, []string{"k8s", "audit", path, "--format", "json", "--output", os.DevNull}, "")
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	report("batch", n+1, size, batch)
	follow, err := measure(ctx, fourc, []string{"k8s", "audit", "--follow", "--from-start", path}, "bench-sentinel")
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	report("follow", n+1, size, follow)
	return nil
}

func warm(path string) error {
	syscall.Sync()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

type result struct {
	wall, cpu time.Duration
	maxRSS    int64 // KiB
	findings  int
}

func report(mode string, n int, size int64, r result) {
	fmt.Printf("%-6s  %7.2fs wall  %6.2fs cpu  %8.0f events/s wall  %8.0f events/cpu-s  %6.1f MB/s  peak RSS %4d MB  %d output lines\n", mode,
		r.wall.Seconds(), r.cpu.Seconds(), float64(n)/r.wall.Seconds(), float64(n)/r.cpu.Seconds(), float64(size)/1e6/r.wall.Seconds(), r.maxRSS/1024, r.findings)
}

// measure runs fourc; with a sentinel it reads stdout until a line holds
// it, then interrupts fourc and counts the time to the sentinel.
func measure(ctx context.Context, fourc string, args []string, sentinel string) (result, error) {
	cmd := exec.CommandContext(ctx, fourc, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	var r result
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		r.findings++
		if sentinel != "" && bytes.Contains(sc.Bytes(), []byte(sentinel)) {
			r.wall = time.Since(start)
			_ = cmd.Process.Signal(os.Interrupt)
		}
	}
	err = cmd.Wait()
	if sentinel == "" {
		r.wall = time.Since(start)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) && sentinel == "" {
		return r, err
	}
	if sentinel != "" && r.wall == 0 {
		return r, errors.New("the sentinel finding never came")
	}
	return r, nil
}

// generate writes n events and the sentinel.
func generate(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	t := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for i := range n {
		t = t.Add(time.Duration(rng.IntN(2000)) * time.Microsecond)
		writeEvent(w, rng, i, t)
	}
	fmt.Fprintf(w, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"sentinel","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/bench/pods/bench-sentinel/exec","verb":"create","user":{"username":"bench"},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","namespace":"bench","name":"bench-sentinel","subresource":"exec","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"%s","stageTimestamp":"%s"}`+"\n",
		t.Format(time.RFC3339Nano), t.Format(time.RFC3339Nano))
	if err := w.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

var (
	namespaces = []string{"shop", "payments", "search", "monitoring", "ingress", "kube-system"}
	readVerbs  = []string{"get", "list", "watch", "get", "get"}
	resources  = []string{"configmaps", "pods", "endpoints", "services", "leases", "events", "nodes"}
)

func writeEvent(w *bufio.Writer, rng *rand.Rand, i int, t time.Time) {
	ns := namespaces[rng.IntN(len(namespaces))]
	id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1))
	ts := t.Format("2006-01-02T15:04:05.000000Z")
	ip := fmt.Sprintf("10.244.%d.%d", rng.IntN(8), rng.IntN(250)+1)
	user := fmt.Sprintf(`{"username":"system:serviceaccount:%s:app-%d","uid":"%s","groups":["system:serviceaccounts","system:serviceaccounts:%s","system:authenticated"],"extra":{"authentication.kubernetes.io/pod-name":["app-%d-7d9f8b6c5d-x2k4p"]}}`, ns, i%20, id, ns, i%20)
	code, level, verb, res, name, body := 200, "Metadata", readVerbs[rng.IntN(len(readVerbs))], resources[rng.IntN(len(resources))], fmt.Sprintf("obj-%d", i%500), ""
	switch p := rng.IntN(1000); {
	case p < 150: // kubelets and controllers
		user = fmt.Sprintf(`{"username":"system:node:worker-%d","groups":["system:nodes","system:authenticated"]}`, i%30)
	case p < 300: // a deployment or pod created with its body
		verb, res, level = "create", "pods", "RequestResponse"
		body = fmt.Sprintf(`,"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s","labels":{"app":"web"}},"spec":{"serviceAccountName":"web","containers":[{"name":"web","image":"registry.example.com/%s/web:1.%d","resources":{"limits":{"cpu":"500m","memory":"256Mi"}},"securityContext":{"runAsNonRoot":true,"readOnlyRootFilesystem":true}}]}},"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s","uid":"%s","resourceVersion":"%d"},"status":{"phase":"Pending","qosClass":"Guaranteed"}}`, name, ns, ns, i%9, name, ns, id, i)
		code = 201
	case p < 330:
		code = 403
	case p < 332: // an exec now and then
		verb, res = "create", "pods/exec"
		code = 101
	case p < 335:
		verb, res = "get", "secrets"
	}
	sub := ""
	if r, s, ok := strings.Cut(res, "/"); ok {
		res, sub = r, fmt.Sprintf(`,"subresource":%q`, s)
	}
	fmt.Fprintf(w, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"%s","auditID":"%s","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/%s/%s/%s","verb":"%s","user":%s,"sourceIPs":["%s"],"userAgent":"app/v1.4.2 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"%s","namespace":"%s","name":"%s","apiVersion":"v1"%s},"responseStatus":{"metadata":{},"code":%d}%s,"requestReceivedTimestamp":"%s","stageTimestamp":"%s","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"app/%s\""}}`+"\n",
		level, id, ns, res, name, verb, user, ip, res, ns, name, sub, code, body, ts, ts, ns)
}
