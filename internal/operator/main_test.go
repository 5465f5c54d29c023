package operator

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/testenv"
)

// env is the control plane every test of the package shares: etcd and
// kube-apiserver, no kubelet, no scheduler, no controller manager (no
// garbage collector, no Job controller: tests play their part).
var (
	env *testenv.Cluster
	kc  client.Client
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	var err error
	env, err = testenv.New(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if err = installCRDs(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	env.Stop()
	os.Exit(code)
}

// installCRDs applies deploy/helm/fourc/crds/*.yaml and waits until the
// API server serves them.
func installCRDs(ctx context.Context) error {
	s, err := Scheme()
	if err != nil {
		return err
	}
	kc, err = client.New(env.RESTConfig(), client.Options{Scheme: s})
	if err != nil {
		return err
	}
	files, err := filepath.Glob("../../deploy/helm/fourc/crds/*.yaml")
	if err != nil || len(files) != 3 {
		return fmt.Errorf("want 3 CRD files, found %v (%v)", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(data, &u.Object); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := kc.Create(ctx, &u); err != nil {
			return fmt.Errorf("installing %s: %w", f, err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err := kc.List(ctx, &WorkloadReportList{})
		if err == nil {
			if err = kc.List(ctx, &NodeReportList{}); err == nil {
				if err = kc.List(ctx, &ClusterPostureReportList{}); err == nil {
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("CRDs not served after a minute: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freeAddr returns a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs an operator until the test ends.
func start(t *testing.T, opts Options) {
	t.Helper()
	if opts.Config == nil {
		opts.Config = env.RESTConfig()
	}
	if opts.MetricsAddr == "" {
		opts.MetricsAddr = "0"
	}
	if opts.HealthAddr == "" {
		opts.HealthAddr = "0"
	}
	if opts.Debounce == 0 {
		opts.Debounce = 300 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("operator: %v", err)
		}
	})
}

// eventually retries f until it succeeds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
