// Package miniotest runs a real MinIO server for tests: the binary is
// built once from the Go module proxy by scripts/minio-testenv.sh and
// cached under ${XDG_CACHE_HOME:-$HOME/.cache}/fourc/minio/<version>/, then
// started on a random loopback port with a fresh data directory, random
// root credentials and a KMS key (MINIO_KMS_SECRET_KEY), so that default
// bucket encryption (SSE-S3) works.
//
// When the binary is missing, the first test builds it (about ten minutes
// on two cores); run scripts/minio-testenv.sh before `go test`, or give go
// test a long enough -timeout. FOURC_MINIO_BIN points at a prebuilt binary
// instead. A failed build fails the test: nothing is skipped.
package miniotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Region is the region the server reports and the tests sign for.
const Region = "us-east-1"

// AccessKey is the root user's name; the password is random per server.
const AccessKey = "fourc-test-admin"

// Server is one running MinIO server.
type Server struct {
	// Endpoint is the server's URL, "http://127.0.0.1:<port>".
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// Dir holds the data directory and the server's log.
	Dir string

	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error // set before done is closed
}

// Start starts a server for one test and stops it when the test ends. It
// fails the test when the binary cannot be built or the server does not
// start.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := New(tb.Context(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// New starts a server whose files live in dir; the caller stops it with
// [Server.Stop]. It builds the binary first when it is not cached.
func New(ctx context.Context, dir string) (*Server, error) {
	bin, err := Binary(ctx)
	if err != nil {
		return nil, err
	}
	var last error
	for range 3 {
		s, err := start(ctx, bin, dir)
		if err == nil {
			return s, nil
		}
		last = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	return nil, last
}

// Binary returns the path of the MinIO binary: $FOURC_MINIO_BIN, else the
// cached build, which scripts/minio-testenv.sh makes when it is missing.
func Binary(ctx context.Context) (string, error) {
	if p := os.Getenv("FOURC_MINIO_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("FOURC_MINIO_BIN: %w", err)
		}
		return p, nil
	}
	script, err := findScript()
	if err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, "bash", script, "--print-path").Output()
	if err != nil {
		return "", fmt.Errorf("running %s --print-path: %w", script, err)
	}
	if p := strings.TrimSpace(string(out)); isExecutable(p) {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, "bash", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building MinIO with %s: %w: %s", script, err, lastLines(stderr.String(), 15))
	}
	p := strings.TrimSpace(string(out))
	if !isExecutable(p) {
		return "", fmt.Errorf("%s printed %q, which is not an executable", script, p)
	}
	return p, nil
}

// findScript looks for scripts/minio-testenv.sh in the module root above
// the working directory (go test runs in the package directory).
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding scripts/minio-testenv.sh: %w", err)
	}
	for {
		p := filepath.Join(dir, "scripts", "minio-testenv.sh")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("module root %s has no scripts/minio-testenv.sh: %w", dir, err)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no module root (go.mod) above the working directory; set FOURC_MINIO_BIN")
		}
		dir = parent
	}
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// errPortTaken marks a start that lost its port to another process.
var errPortTaken = errors.New("address already in use")

// start runs the binary once on fresh ports and waits until it is ready.
func start(ctx context.Context, bin, dir string) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	run, err := os.MkdirTemp(dir, "minio-")
	if err != nil {
		return nil, fmt.Errorf("creating MinIO directory: %w", err)
	}
	secret, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	kmsKey := make([]byte, 32)
	if _, err := rand.Read(kmsKey); err != nil {
		return nil, fmt.Errorf("making a KMS key: %w", err)
	}
	s := &Server{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(ports[0]),
		AccessKey: AccessKey,
		SecretKey: secret,
		Dir:       run,
		logPath:   filepath.Join(run, "minio.log"),
		done:      make(chan struct{}),
	}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, fmt.Errorf("creating MinIO log: %w", err)
	}
	s.cmd = exec.Command(bin, "server", "--quiet",
		"--address", "127.0.0.1:"+strconv.Itoa(ports[0]),
		"--console-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"--certs-dir", filepath.Join(run, "certs"),
		filepath.Join(run, "data"))
	s.cmd.Env = append(cleanEnv(),
		"HOME="+run,
		"MINIO_ROOT_USER="+AccessKey,
		"MINIO_ROOT_PASSWORD="+secret,
		"MINIO_KMS_SECRET_KEY=fourc-test-key:"+base64.StdEncoding.EncodeToString(kmsKey),
		"MINIO_REGION="+Region,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	s.cmd.Dir = run
	s.cmd.Stdout = logFile
	s.cmd.Stderr = logFile
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 90*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the health endpoints until the server is ready.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		last = s.healthy(ctx, client)
		if last == nil {
			return nil
		}
		select {
		case <-s.done:
			if bytes.Contains(s.log(), []byte("address already in use")) {
				return fmt.Errorf("MinIO at %s: %w", s.Endpoint, errPortTaken)
			}
			return fmt.Errorf("MinIO exited (%v); log %s: %s", s.err, s.logPath, lastLines(string(s.log()), 8))
		case <-ctx.Done():
			return fmt.Errorf("MinIO at %s not ready after %s (last: %v); log %s: %s", s.Endpoint, timeout, last, s.logPath, lastLines(string(s.log()), 8))
		case <-tick.C:
		}
	}
}

// emptySHA256 is the SHA-256 of an empty request body, in hex.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// healthy asks the liveness and readiness endpoints, then lists the
// buckets as the root user: the health endpoints answer 200 while the S3
// API still refuses requests with XMinioServerNotInitialized (HTTP 503).
func (s *Server) healthy(ctx context.Context, client *http.Client) error {
	for _, p := range []string{"/minio/health/live", "/minio/health/ready", "/"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+p, nil)
		if err != nil {
			return err
		}
		if p == "/" {
			req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
			creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
			if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "s3", Region, time.Now()); err != nil {
				return fmt.Errorf("signing ListBuckets: %w", err)
			}
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: HTTP %d", p, resp.StatusCode)
		}
	}
	return nil
}

// Stop ends the server: SIGTERM, then SIGKILL after five seconds.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Client returns a read-write client with the root credentials, for
// setting buckets up.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// Log returns the server's output so far, for failure messages.
func (s *Server) Log() string { return string(s.log()) }

func (s *Server) log() []byte {
	data, _ := os.ReadFile(s.logPath)
	return data
}

// cleanEnv returns the environment without MinIO or AWS settings that
// would change the server.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MINIO_") || strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// lastLines returns the last n non-empty lines of s joined by " | ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
