package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// process is one control-plane binary running in the background, with its
// output in a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error // set when done is closed
}

// startProcess starts bin with args, logging to dir/<name>.log. The
// process is put in its own process group and, on Linux, killed when the
// test binary dies, so a crashed test leaves nothing running.
func startProcess(name, bin string, args []string, dir string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("creating %s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = dir
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends the process: SIGTERM, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// logTail returns the end of the process's log on one line.
func (p *process) logTail() string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	return lastLines(string(data), 8)
}

// failure describes why a process is not usable: its exit status and the
// end of its log.
func (p *process) failure(what string) error {
	if p.exited() {
		return fmt.Errorf("%s exited (%v); log %s: %s", p.name, p.err, p.logPath, p.logTail())
	}
	return fmt.Errorf("%s %s; log %s: %s", p.name, what, p.logPath, p.logTail())
}

// addressInUse reports whether the process died because a port was taken
// between choosing it and binding it.
func (p *process) addressInUse() bool {
	data, _ := os.ReadFile(p.logPath)
	return p.exited() && bytes.Contains(data, []byte("address already in use"))
}

// waitFor polls ready every 100 ms until it returns nil, p exits, ctx ends
// or timeout passes.
func waitFor(ctx context.Context, p *process, timeout time.Duration, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if last = ready(ctx); last == nil {
			return nil
		}
		select {
		case <-p.done:
			return p.failure("")
		case <-ctx.Done():
			return p.failure(fmt.Sprintf("not ready after %s (last: %v)", timeout, last))
		case <-tick.C:
		}
	}
}

// freePorts returns n distinct loopback TCP ports that were free a moment
// ago. Another process may take one before it is bound; start-up retries
// with new ports when that happens.
func freePorts(n int) ([]int, error) {
	var (
		ports []int
		ls    []net.Listener
	)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free loopback port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// errAddressInUse marks a start-up that lost a port race.
var errAddressInUse = errors.New("port taken during start-up")
