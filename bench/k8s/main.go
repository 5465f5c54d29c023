// Command k8sbench measures fourc's live-cluster scan: it starts a real
// API server (internal/testenv), loads generated objects into it and
// writes the same objects as manifests, then times the live scan and the
// manifest scan. run.sh drives it and compares with kube-score and trivy.
//
//	k8sbench serve -n 10000 -dir DIR   # start, load, write DIR/kubeconfig and DIR/manifests, wait for SIGTERM
//	k8sbench scan -kubeconfig FILE     # one live scan of every namespace
//	k8sbench manifests DIR             # one manifest scan of DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/testenv"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8sbench serve|scan|manifests ...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, os.Args[2:])
	case "scan":
		err = scan(ctx, os.Args[2:])
	case "manifests":
		err = manifests(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8sbench:", err)
		os.Exit(1)
	}
}

// serve starts a control plane, loads n objects and waits for a signal.
func serve(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("serve", flag.ExitOnError)
	n := fl.Int("n", 10000, "objects to load")
	dir := fl.String("dir", "", "where to write kubeconfig and manifests/")
	fl.Parse(args)
	if *dir == "" {
		return errors.New("-dir is required")
	}
	env, err := testenv.New(ctx, testenv.WithLogf(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }))
	if err != nil {
		return err
	}
	defer env.Stop()
	objs := generate(*n)
	start := time.Now()
	if err := load(ctx, env, objs); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loaded %d objects in %s\n", len(objs), time.Since(start).Round(time.Millisecond))
	if err := writeManifests(filepath.Join(*dir, "manifests"), objs); err != nil {
		return err
	}
	data, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "kubeconfig"), data, 0o600); err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	return nil
}

// scan runs one live scan and prints what it read and how fast.
func scan(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("scan", flag.ExitOnError)
	kc := fl.String("kubeconfig", "", "kubeconfig")
	page := fl.Int64("page-size", cluster.DefaultPageSize, "list page size")
	fl.Parse(args)
	start := time.Now()
	snap, skipped, err := cluster.Read(ctx, cluster.Options{Kubeconfig: *kc, AllNamespaces: true, PageSize: *page})
	if err != nil {
		return err
	}
	read := time.Since(start)
	fs := cluster.Evaluate(snap, kube.Options{})
	total := time.Since(start)
	objects := 0
	for _, c := range snap.Counts {
		objects += c
	}
	fmt.Printf("live scan: %d objects read in %s, %d findings, %d skipped, total %s: %.0f objects/s, peak RSS %d MB\n",
		objects, read.Round(time.Millisecond), len(fs), len(skipped), total.Round(time.Millisecond),
		float64(objects)/total.Seconds(), peakRSS()>>20)
	return nil
}

// manifests scans a directory of manifests with the kube scanner, as
// `fourc scan` does.
func manifests(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: k8sbench manifests DIR")
	}
	start := time.Now()
	res, err := engine.Run(ctx, os.DirFS(args[0]), []engine.Scanner{kube.NewScanner(kube.Options{})}, engine.Options{})
	if err != nil {
		return err
	}
	fmt.Printf("manifest scan: %d files, %d findings, %d skipped in %s, peak RSS %d MB\n",
		res.Files, len(res.Findings), len(res.Skipped), time.Since(start).Round(time.Millisecond), peakRSS()>>20)
	return nil
}

// peakRSS returns the process's peak resident set size in bytes.
func peakRSS() int64 {
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

// object is a generated object with its type, for the API and for YAML.
type object struct {
	gvk schema.GroupVersionKind
	obj metav1.Object
}

// generate returns n objects of the kinds fourc reads, in namespaces of
// about 500 objects, deterministic for a given n. About one workload in
// four has a problem a check reports.
func generate(n int) []object {
	nsCount := max(1, n/500)
	var out []object
	add := func(group, version, kind string, o metav1.Object) {
		out = append(out, object{schema.GroupVersionKind{Group: group, Version: version, Kind: kind}, o})
	}
	for i := range nsCount {
		add("", "v1", "Namespace", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
			Name:   fmt.Sprintf("bench-%02d", i),
			Labels: map[string]string{"team": fmt.Sprintf("t%d", i%5)},
		}})
	}
	// Per 100 objects: 30 pods, 10 deployments, 10 services, 10 service
	// accounts, 10 secrets, 5 roles, 5 role bindings, 5 network policies,
	// 4 ingresses, 3 statefulsets, 3 jobs, 3 cronjobs, 2 daemonsets.
	plan := []struct {
		share int
		make  func(i int, ns string)
	}{
		{30, func(i int, ns string) {
			add("", "v1", "Pod", &corev1.Pod{ObjectMeta: meta(i, ns, "pod"), Spec: podSpec(i)})
		}},
		{10, func(i int, ns string) {
			add("apps", "v1", "Deployment", &appsv1.Deployment{ObjectMeta: meta(i, ns, "deploy"), Spec: appsv1.DeploymentSpec{
				Replicas: ptr(int32(2)), Selector: selector(i), Template: template(i)}})
		}},
		{10, func(i int, ns string) {
			// The test API server's service range is a /24: only the load
			// balancers (one in seven) get a cluster IP, the rest are headless.
			spec := corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: corev1.ClusterIPNone,
				Selector: map[string]string{"app": app(i)}, Ports: []corev1.ServicePort{{Port: 443}}}
			if i%7 == 0 {
				spec.Type, spec.ClusterIP = corev1.ServiceTypeLoadBalancer, ""
			}
			add("", "v1", "Service", &corev1.Service{ObjectMeta: meta(i, ns, "svc"), Spec: spec})
		}},
		{10, func(i int, ns string) {
			add("", "v1", "ServiceAccount", &corev1.ServiceAccount{ObjectMeta: meta(i, ns, "sa")})
		}},
		{10, func(i int, ns string) {
			add("", "v1", "Secret", &corev1.Secret{ObjectMeta: meta(i, ns, "secret"), StringData: map[string]string{"password": fmt.Sprintf("bench-%d", i)}})
		}},
		{5, func(i int, ns string) {
			verbs := []string{"get", "list"}
			if i%3 == 0 {
				verbs = []string{"*"}
			}
			add("rbac.authorization.k8s.io", "v1", "Role", &rbacv1.Role{ObjectMeta: meta(i, ns, "role"), Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"pods", "secrets", "configmaps"}, Verbs: verbs}}})
		}},
		{5, func(i int, ns string) {
			add("rbac.authorization.k8s.io", "v1", "RoleBinding", &rbacv1.RoleBinding{ObjectMeta: meta(i, ns, "rb"),
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: fmt.Sprintf("role-%d", i-1)},
				Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: serviceAccount(i), Namespace: ns}}})
		}},
		{5, func(i int, ns string) {
			add("networking.k8s.io", "v1", "NetworkPolicy", &networkingv1.NetworkPolicy{ObjectMeta: meta(i, ns, "np"),
				Spec: networkingv1.NetworkPolicySpec{PodSelector: *selector(i), PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}})
		}},
		{4, func(i int, ns string) {
			ing := &networkingv1.Ingress{ObjectMeta: meta(i, ns, "ing"), Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
				Host: fmt.Sprintf("app%d.example.com", i)}}}}
			if i%2 == 0 {
				ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{ing.Spec.Rules[0].Host}, SecretName: "tls"}}
			}
			add("networking.k8s.io", "v1", "Ingress", ing)
		}},
		{3, func(i int, ns string) {
			add("apps", "v1", "StatefulSet", &appsv1.StatefulSet{ObjectMeta: meta(i, ns, "sts"), Spec: appsv1.StatefulSetSpec{
				Selector: selector(i), Template: template(i), ServiceName: "db"}})
		}},
		{3, func(i int, ns string) {
			t := template(i)
			t.Spec.RestartPolicy = corev1.RestartPolicyNever
			add("batch", "v1", "Job", &batchv1.Job{ObjectMeta: meta(i, ns, "job"), Spec: batchv1.JobSpec{Template: t}})
		}},
		{3, func(i int, ns string) {
			t := template(i)
			t.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
			add("batch", "v1", "CronJob", &batchv1.CronJob{ObjectMeta: meta(i, ns, "cron"), Spec: batchv1.CronJobSpec{
				Schedule: "*/15 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: t}}}})
		}},
		{2, func(i int, ns string) {
			add("apps", "v1", "DaemonSet", &appsv1.DaemonSet{ObjectMeta: meta(i, ns, "ds"), Spec: appsv1.DaemonSetSpec{
				Selector: selector(i), Template: template(i)}})
		}},
	}
	for i := 0; len(out) < n; i++ {
		slot, ns := i%100, fmt.Sprintf("bench-%02d", (i/100)%nsCount)
		for _, p := range plan {
			if slot < p.share {
				p.make(i, ns)
				break
			}
			slot -= p.share
		}
	}
	return out[:n]
}

func ptr[T any](v T) *T { return &v }

func app(i int) string { return fmt.Sprintf("app-%d", i%40) }

// serviceAccount names one of the ten service accounts generated in object
// i's block of 100 (slots 50-59), so in its namespace: the API server's
// ServiceAccount admission refuses a pod whose account does not exist.
func serviceAccount(i int) string { return fmt.Sprintf("sa-%d", i/100*100+50+i%10) }

func meta(i int, ns, prefix string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: fmt.Sprintf("%s-%d", prefix, i), Namespace: ns,
		Labels:      map[string]string{"app": app(i), "tier": []string{"web", "api", "db", "batch"}[i%4]},
		Annotations: map[string]string{"owner": fmt.Sprintf("team-%d@example.com", i%9)},
	}
}

func selector(i int) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app(i)}}
}

func template(i int) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app(i)}}, Spec: podSpec(i)}
}

// podSpec returns a realistic pod: two containers with env, resources,
// probes; every fourth one has a problem (privileged, host network, a
// hostPath, a :latest image).
func podSpec(i int) corev1.PodSpec {
	c := corev1.Container{
		Name:  "app",
		Image: fmt.Sprintf("registry.example/team%d/app:1.%d.0", i%9, i%20),
		Env: []corev1.EnvVar{
			{Name: "LOG_LEVEL", Value: "info"},
			{Name: "PORT", Value: "8080"},
			{Name: "DB_HOST", Value: "db.internal"},
		},
		Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
		},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8080)}}},
		LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live", Port: intstr.FromInt32(8080)}}},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr(false),
			RunAsNonRoot:             ptr(true),
			ReadOnlyRootFilesystem:   ptr(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	sidecar := c
	sidecar.Name, sidecar.Image, sidecar.Ports = "proxy", "registry.example/proxy:2.4.1", nil
	spec := corev1.PodSpec{Containers: []corev1.Container{c, sidecar}, ServiceAccountName: serviceAccount(i)}
	switch i % 16 {
	case 1:
		spec.Containers[0].SecurityContext.Privileged = ptr(true)
		spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
	case 5:
		spec.HostNetwork = true
	case 9:
		spec.Volumes = []corev1.Volume{{Name: "docker", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/docker.sock"}}}}
		spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "docker", MountPath: "/var/run/docker.sock"}}
	case 13:
		spec.Containers[0].Image = "registry.example/app:latest"
	}
	return spec
}

// load creates the objects through the API, namespaces first, then service
// accounts (pods name them), then the rest.
func load(ctx context.Context, env *testenv.Cluster, objs []object) error {
	rc := env.RESTConfig()
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	var i int
	for ; i < len(objs) && objs[i].gvk.Kind == "Namespace"; i++ {
		if err := create(ctx, cs, objs[i]); err != nil {
			return err
		}
	}
	var accounts, rest []object
	for _, o := range objs[i:] {
		if o.gvk.Kind == "ServiceAccount" {
			accounts = append(accounts, o)
		} else {
			rest = append(rest, o)
		}
	}
	if err := createAll(ctx, cs, accounts); err != nil {
		return err
	}
	return createAll(ctx, cs, rest)
}

// createAll creates objs concurrently and returns the first error.
func createAll(ctx context.Context, cs kubernetes.Interface, objs []object) error {
	work := make(chan object)
	var (
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	for range 2 * runtime.GOMAXPROCS(0) * 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := create(ctx, cs, o); err != nil {
					first.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o
	}
	close(work)
	wg.Wait()
	if e := first.Load(); e != nil {
		return *e
	}
	return nil
}

func create(ctx context.Context, cs kubernetes.Interface, o object) error {
	opts := metav1.CreateOptions{}
	var err error
	ns := o.obj.GetNamespace()
	switch t := o.obj.(type) {
	case *corev1.Namespace:
		_, err = cs.CoreV1().Namespaces().Create(ctx, t, opts)
	case *corev1.Pod:
		_, err = cs.CoreV1().Pods(ns).Create(ctx, t, opts)
	case *corev1.Service:
		_, err = cs.CoreV1().Services(ns).Create(ctx, t, opts)
	case *corev1.ServiceAccount:
		_, err = cs.CoreV1().ServiceAccounts(ns).Create(ctx, t, opts)
	case *corev1.Secret:
		_, err = cs.CoreV1().Secrets(ns).Create(ctx, t, opts)
	case *appsv1.Deployment:
		_, err = cs.AppsV1().Deployments(ns).Create(ctx, t, opts)
	case *appsv1.StatefulSet:
		_, err = cs.AppsV1().StatefulSets(ns).Create(ctx, t, opts)
	case *appsv1.DaemonSet:
		_, err = cs.AppsV1().DaemonSets(ns).Create(ctx, t, opts)
	case *batchv1.Job:
		_, err = cs.BatchV1().Jobs(ns).Create(ctx, t, opts)
	case *batchv1.CronJob:
		_, err = cs.BatchV1().CronJobs(ns).Create(ctx, t, opts)
	case *rbacv1.Role:
		_, err = cs.RbacV1().Roles(ns).Create(ctx, t, opts)
	case *rbacv1.RoleBinding:
		_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, t, opts)
	case *networkingv1.NetworkPolicy:
		_, err = cs.NetworkingV1().NetworkPolicies(ns).Create(ctx, t, opts)
	case *networkingv1.Ingress:
		_, err = cs.NetworkingV1().Ingresses(ns).Create(ctx, t, opts)
	default:
		return fmt.Errorf("cannot create %T", t)
	}
	if err != nil {
		return fmt.Errorf("creating %s %s/%s: %w", o.gvk.Kind, ns, o.obj.GetName(), err)
	}
	return nil
}

// writeManifests writes the objects as YAML, one file per namespace and
// kind, under dir/<namespace>/.
func writeManifests(dir string, objs []object) error {
	files := map[string]*strings.Builder{}
	for _, o := range objs {
		ns := o.obj.GetNamespace()
		if ns == "" {
			ns = "cluster"
		}
		name := filepath.Join(dir, ns, strings.ToLower(o.gvk.Kind)+".yaml")
		b := files[name]
		if b == nil {
			b = &strings.Builder{}
			files[name] = b
		}
		o.obj.(k8sruntime.Object).GetObjectKind().SetGroupVersionKind(o.gvk)
		data, err := yaml.Marshal(o.obj)
		if err != nil {
			return err
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	for name, b := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
