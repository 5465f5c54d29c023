// Command operatorbench measures `fourc k8s operator` at scale: a real
// API server (internal/testenv) holding generated workloads, a registry
// holding distinct small images, and the operator in in-process mode
// reporting on them. run.sh drives it; README.md has the numbers.
//
//	operatorbench serve -workloads 10000 -images 2000 -dir DIR  # API server + registry + objects; DIR/kubeconfig, DIR/registry; waits for SIGTERM
//	operatorbench run -dir DIR                                  # the operator until every report is complete; prints the numbers
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/operator"
	"github.com/fourc-dev/fourc/internal/testenv"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: operatorbench serve|run ...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, os.Args[2:])
	case "run":
		err = run(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "operatorbench:", err)
		os.Exit(1)
	}
}

// workloadsPerNamespace is how many workloads share a namespace.
const workloadsPerNamespace = 100

// serve starts the API server and a registry, pushes the images,
// creates the workloads and waits for a signal.
func serve(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("serve", flag.ExitOnError)
	n := fl.Int("workloads", 10000, "workloads to create")
	images := fl.Int("images", 2000, "distinct images to push")
	dir := fl.String("dir", "", "where to write kubeconfig and the registry address")
	crds := fl.String("crds", "deploy/helm/fourc/crds", "the CRD folder")
	fl.Parse(args)
	if *dir == "" {
		return errors.New("-dir is required")
	}
	env, err := testenv.New(ctx, testenv.WithLogf(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }))
	if err != nil {
		return err
	}
	defer env.Stop()
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	start := time.Now()
	if err := pushImages(ctx, host, *images); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "pushed %d images in %s\n", *images, time.Since(start).Round(time.Millisecond))
	cfg := env.RESTConfig()
	cfg.QPS, cfg.Burst = 1000, 2000
	scheme, err := operator.Scheme()
	if err != nil {
		return err
	}
	kc, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	if err := installCRDs(ctx, kc, *crds); err != nil {
		return err
	}
	// The operator's own namespace, as the Helm chart creates it: the
	// ConfigMap of the cluster report's findings lives there.
	if err := kc.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fourc-system"}}); err != nil {
		return err
	}
	start = time.Now()
	if err := createWorkloads(ctx, kc, host, *n, *images); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created %d workloads in %s\n", *n, time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "kubeconfig"), data, 0o600); err != nil {
		return err
	}
	meta := fmt.Sprintf("%d %d\n", *n, *images)
	if err := os.WriteFile(filepath.Join(*dir, "size"), []byte(meta), 0o644); err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	return nil
}

// installCRDs creates the CRDs of dir and waits until they are served.
func installCRDs(ctx context.Context, kc client.Client, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no CRDs in %q", dir)
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
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		err := kc.List(ctx, &operator.WorkloadReportList{}, client.Limit(1))
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// imageRef is the reference of image i.
func imageRef(host string, i int) string {
	return fmt.Sprintf("%s/bench/app%d:1.%d", host, i%50, i)
}

// pushImages pushes n distinct small images: an os-release and one file
// of their own.
func pushImages(ctx context.Context, host string, n int) error {
	return parallel(ctx, n, 8, func(i int) error {
		img, err := smallImage(i)
		if err != nil {
			return err
		}
		ref, err := name.ParseReference(imageRef(host, i), name.Insecure)
		if err != nil {
			return err
		}
		return remote.Write(ref, img, remote.WithContext(ctx))
	})
}

func smallImage(i int) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"etc/os-release", "ID=alpine\nVERSION_ID=3." + strconv.Itoa(12+i%10) + ".0\n"},
		{"app/version", "build " + strconv.Itoa(i) + "\n"},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, f.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	user := ""
	if i%2 == 0 {
		user = "10001"
	}
	return mutate.Config(img, v1.Config{User: user, Cmd: []string{"/app/run"}})
}

// createWorkloads creates n workloads in namespaces of
// workloadsPerNamespace, every one running image i%images; every
// namespace also gets a Service and, one in two, a default-deny
// NetworkPolicy. One workload in three is risky.
func createWorkloads(ctx context.Context, kc client.Client, host string, n, images int) error {
	nsCount := (n + workloadsPerNamespace - 1) / workloadsPerNamespace
	err := parallel(ctx, nsCount, 16, func(i int) error {
		ns := fmt.Sprintf("bench-%03d", i)
		objs := []client.Object{
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP,
				ClusterIP: corev1.ClusterIPNone, Selector: map[string]string{"app": "w0"}, Ports: []corev1.ServicePort{{Port: 443}}}},
		}
		if i%2 == 0 {
			objs = append(objs, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deny"},
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}})
		}
		for _, o := range objs {
			if err := kc.Create(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return parallel(ctx, n, 32, func(i int) error {
		return kc.Create(ctx, workload(i, imageRef(host, i%images)))
	})
}

// workload is Deployment i (one in ten a StatefulSet): risky when i%3 == 0.
func workload(i int, img string) client.Object {
	ns := fmt.Sprintf("bench-%03d", i/workloadsPerNamespace)
	labels := map[string]string{"app": "w" + strconv.Itoa(i%workloadsPerNamespace)}
	c := corev1.Container{Name: "app", Image: img}
	spec := corev1.PodSpec{Containers: []corev1.Container{c}}
	if i%3 == 0 {
		spec.HostNetwork = true
		spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr(true)}
	} else {
		rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}
		spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: rl, Limits: rl}
		spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		spec.Containers[0].SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}
	meta := metav1.ObjectMeta{Namespace: ns, Name: "w" + strconv.Itoa(i)}
	if i%10 == 9 {
		return &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}
	}
	return &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}
}

func ptr[T any](v T) *T { return &v }

// parallel runs f(0..n-1) on workers goroutines and returns the first
// error.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	var (
		next  atomic.Int64
		first error
		once  sync.Once
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					once.Do(func() { first = fmt.Errorf("item %d: %w", i, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// counter counts the operator's requests to the API server.
type counter struct {
	next  http.RoundTripper
	reads atomic.Int64 // GET (get, list, watch)
	write atomic.Int64 // POST, PUT, PATCH, DELETE
	watch atomic.Int64

	mu    sync.Mutex
	kinds map[string]int // "PATCH workloadreports/status", … since the last reset
}

// kind names a request by method, resource and subresource.
func kind(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	res := ""
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			continue
		}
		if i > 0 && parts[i-1] == "namespaces" && i+1 < len(parts) {
			continue
		}
		if strings.HasSuffix(p, "s") && res == "" && i >= 2 {
			res = p
			if i+2 < len(parts) {
				res += "/" + parts[i+2]
			}
		}
	}
	return r.Method + " " + res
}

// breakdown returns the requests by kind since the last call.
func (c *counter) breakdown() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.kinds
	c.kinds = map[string]int{}
	return k
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.kinds == nil {
		c.kinds = map[string]int{}
	}
	c.kinds[kind(r)]++
	c.mu.Unlock()
	switch {
	case r.URL.Query().Get("watch") == "true":
		c.watch.Add(1)
	case r.Method == http.MethodGet:
		c.reads.Add(1)
	default:
		c.write.Add(1)
	}
	return c.next.RoundTrip(r)
}

func (c *counter) total() int64 { return c.reads.Load() + c.write.Load() + c.watch.Load() }

// run runs the operator in in-process mode against the loaded API
// server until every WorkloadReport is complete, then idles a while to
// show that an informer-driven operator makes no requests when nothing
// changes, and prints the numbers.
func run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("run", flag.ExitOnError)
	dir := fl.String("dir", "", "the serve command's -dir")
	idle := fl.Duration("idle", 60*time.Second, "how long to watch the operator idle afterwards")
	scans := fl.Int("max-concurrent-scans", 4, "in-process scans at once")
	fl.Parse(args)
	var n, images int
	size, err := os.ReadFile(filepath.Join(*dir, "size"))
	if err != nil {
		return err
	}
	fmt.Sscanf(string(size), "%d %d", &n, &images)
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(*dir, "kubeconfig"))
	if err != nil {
		return err
	}
	watcher, err := newWatcher(cfg)
	if err != nil {
		return err
	}
	go sampleHeap()
	cnt := &counter{}
	opCfg := rest.CopyConfig(cfg)
	opCfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { cnt.next = rt; return cnt })
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- operator.Run(opCtx, operator.Options{Config: opCfg, ScanMode: operator.ModeInProcess, InsecureRegistry: true,
			MaxConcurrentScans: *scans, MetricsAddr: "0", HealthAddr: "0"})
	}()
	if err := watcher.waitComplete(ctx, n, done); err != nil {
		return err
	}
	first := time.Since(start)
	reqs := cnt.total()
	fmt.Printf("workloads %d, images %d: first full report set in %s\n", n, images, first.Round(time.Second))
	fmt.Printf("requests to the API server until then: %d (%.1f/s): %d get/list, %d watch, %d writes\n",
		reqs, float64(reqs)/first.Seconds(), cnt.reads.Load(), cnt.watch.Load(), cnt.write.Load())
	fmt.Printf("by kind: %v\n", cnt.breakdown())
	before := cnt.total()
	select {
	case <-time.After(*idle):
	case <-ctx.Done():
	}
	fmt.Printf("idle %s afterwards: %d requests (%.2f/s): %v\n", *idle, cnt.total()-before, float64(cnt.total()-before)/idle.Seconds(), cnt.breakdown())
	fmt.Printf("peak memory: VmHWM %d MB, Go heap peak %d MB\n", vmHWM()>>20, heapPeak.Load()>>20)
	cancel()
	return <-done
}

// watcher tells when the operator's reports are complete: it watches
// the WorkloadReports (one long request, started before the operator)
// and keeps, of each, whether its status has every image scanned. Its
// requests are not counted: they are the benchmark's, not the
// operator's.
type watcher struct {
	client   client.WithWatch
	complete map[string]bool
	count    int
}

func newWatcher(cfg *rest.Config) (*watcher, error) {
	scheme, err := operator.Scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	return &watcher{client: c, complete: map[string]bool{}}, err
}

// waitComplete returns once n WorkloadReports have a status with every
// image scanned, or when the operator stops. A watch the server ends is
// started again.
func (w *watcher) waitComplete(ctx context.Context, n int, done <-chan error) error {
	for {
		wi, err := w.client.Watch(ctx, &operator.WorkloadReportList{})
		if err != nil {
			return err
		}
		err = w.follow(ctx, wi, n, done)
		wi.Stop()
		if !errors.Is(err, errWatchEnded) {
			return err
		}
	}
}

var errWatchEnded = errors.New("watch ended")

func (w *watcher) follow(ctx context.Context, wi watch.Interface, n int, done <-chan error) error {
	last := time.Now()
	for {
		select {
		case err := <-done:
			return fmt.Errorf("the operator stopped: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-wi.ResultChan():
			if !ok {
				return errWatchEnded
			}
			r, isReport := ev.Object.(*operator.WorkloadReport)
			if !isReport {
				continue
			}
			key := r.Namespace + "/" + r.Name
			now := ev.Type != watch.Deleted && r.Status.Digest != "" && allScanned(r.Status.Images)
			if now != w.complete[key] {
				w.complete[key] = now
				w.count += map[bool]int{true: 1, false: -1}[now]
			}
			count := w.count
			if time.Since(last) > 15*time.Second || count >= n {
				fmt.Fprintf(os.Stderr, "%s: %d of %d reports complete\n", time.Now().Format(time.TimeOnly), count, n)
				last = time.Now()
			}
			if count >= n {
				return nil
			}
		}
	}
}

func allScanned(images []operator.ImageStatus) bool {
	for _, im := range images {
		if im.State != "scanned" {
			return false
		}
	}
	return len(images) > 0
}

// heapPeak is the largest Go heap seen by sampleHeap.
var heapPeak atomic.Uint64

// sampleHeap samples the Go heap (live and unswept objects) every 100 ms.
func sampleHeap() {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > heapPeak.Load() {
			heapPeak.Store(v)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// vmHWM returns the process's peak resident set size in bytes.
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
