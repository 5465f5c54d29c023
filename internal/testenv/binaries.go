package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Versions of the control-plane binaries the tests run. They must match
// the defaults of scripts/k8s-testenv.sh, which builds them.
const (
	KubernetesVersion = "v1.37.2"
	EtcdVersion       = "v3.7.3"
)

// setupScript is the script, relative to the module root, that builds the
// binaries and prints the directory holding them.
const setupScript = "scripts/k8s-testenv.sh"

// binDirEnv names a directory of prebuilt binaries to use instead of the
// script's cache (etcd, kube-apiserver, kubectl, kube-controller-manager).
const binDirEnv = "FOURC_K8S_BIN_DIR"

// findBinaries returns the directory holding etcd, kube-apiserver and
// kubectl (and kube-controller-manager when kcm is set). It runs the
// setup script, which returns at once when the binaries are cached and
// builds them otherwise (minutes: see the script).
func findBinaries(ctx context.Context, kcm bool, logf func(string, ...any)) (string, error) {
	want := []string{"etcd", "etcdctl", "kube-apiserver", "kubectl"}
	if kcm {
		want = append(want, "kube-controller-manager")
	}
	if dir := os.Getenv(binDirEnv); dir != "" {
		if missing := missingIn(dir, want); len(missing) > 0 {
			return "", fmt.Errorf("%s=%q lacks %s", binDirEnv, dir, strings.Join(missing, ", "))
		}
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, setupScript)
	// Ask where the cache is first: when everything is there, skip the
	// script's version probes (they start each binary once).
	out, err := exec.CommandContext(ctx, "bash", script, "--print-dir").Output()
	if err != nil {
		return "", fmt.Errorf("running %s --print-dir: %w", script, err)
	}
	dir := strings.TrimSpace(string(out))
	if stamp, err := os.ReadFile(filepath.Join(dir, ".ready")); err == nil && len(missingIn(dir, want)) == 0 &&
		strings.TrimSpace(string(stamp)) == KubernetesVersion+" "+EtcdVersion {
		return dir, nil
	}
	logf("testenv: building Kubernetes %s and etcd %s with %s (about 10 minutes on a cold cache)", KubernetesVersion, EtcdVersion, setupScript)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building control-plane binaries with %s: %w: %s", script, err, lastLines(stderr.String(), 15))
	}
	dir = strings.TrimSpace(string(out))
	if missing := missingIn(dir, want); len(missing) > 0 {
		return "", fmt.Errorf("%s did not produce %s in %q", script, strings.Join(missing, ", "), dir)
	}
	return dir, nil
}

// missingIn lists the names that are not executable files in dir.
func missingIn(dir string, names []string) []string {
	var missing []string
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
			missing = append(missing, n)
		}
	}
	return missing
}

// moduleRoot finds the directory of the fourc module, which holds the
// setup script, from the working directory (go test runs in the package's
// directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding module root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, setupScript)); err == nil {
			return d, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("finding module root: %w", err)
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s above %q: run the tests inside the fourc module or set %s", setupScript, dir, binDirEnv)
		}
	}
}

// lastLines returns the last n lines of s, joined by " | ", for an error
// message that must stay on one line.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
