// Command admissionbench measures fourc's admission webhook: it starts the
// webhook in-process on 127.0.0.1 with a fresh TLS certificate (a CA made
// for the run), then sends AdmissionReview requests for a realistic Pod
// over HTTPS with keep-alive from several goroutines, as the API server
// does, and prints the latency percentiles and the throughput.
//
//	go run ./bench/admission -n 10000 -c 8
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/fourc-dev/fourc/internal/admission"
	"github.com/fourc-dev/fourc/internal/finding"
)

func main() {
	n := flag.Int("n", 10000, "requests to send")
	c := flag.Int("c", 8, "concurrent clients (keep-alive connections)")
	mode := flag.String("mode", "warn", "the namespace's mode: enforce, warn or audit")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the run (client and server) to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "admissionbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *c, admission.Mode(*mode)); err != nil {
		fmt.Fprintln(os.Stderr, "admissionbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(n, conc int, mode admission.Mode) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	admission.RouteLibraryLogs(slog.New(slog.DiscardHandler))
	dir, err := os.MkdirTemp("", "admissionbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pool, err := writeCertificate(dir)
	if err != nil {
		return err
	}
	cw, err := admission.WatchCertificate(dir, 0)
	if err != nil {
		return err
	}
	go cw.Start(ctx)
	// fail-on medium: the realistic pod has violations, so every answer
	// carries warnings (or a deny message) and audit annotations.
	p := admission.DefaultPolicy()
	p.FailOn = finding.SeverityMedium
	s, err := admission.NewServer(admission.Config{Policy: p, Lookup: shopLookup(mode), ClusterVersion: "v1.37", FailurePolicy: admission.FailOpen})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go s.ServeTLS(ctx, ln, cw)
	body, err := reviewBody()
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool},
		MaxIdleConnsPerHost: conc,
		ForceAttemptHTTP2:   false,
	}}
	url := "https://" + ln.Addr().String() + "/validate"
	// Warm up: connections, the first evaluation's lazy setup.
	for range conc {
		if _, err := post(client, url, body); err != nil {
			return err
		}
	}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	var last atomic.Value
	cpu0 := cpuTime()
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				t0 := time.Now()
				resp, err := post(client, url, body)
				lat[i] = time.Since(t0)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				last.Store(resp)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	resp := last.Load().(*admissionv1.AdmissionResponse)
	fmt.Printf("admission webhook: %d AdmissionReviews of one Pod (%d bytes), %d clients over HTTPS keep-alive, mode %s, GOMAXPROCS %d\n",
		n, len(body), conc, mode, runtime.GOMAXPROCS(0))
	fmt.Printf("answer: allowed=%v, %d warnings, audit annotations %v\n", resp.Allowed, len(resp.Warnings), resp.AuditAnnotations)
	fmt.Printf("latency p50 %s  p95 %s  p99 %s  max %s\n", ms(pct(.50)), ms(pct(.95)), ms(pct(.99)), ms(lat[len(lat)-1]))
	fmt.Printf("throughput %.0f requests/s (%s for %d requests); CPU %s per request (client and server, user+system)\n",
		float64(n)/elapsed.Seconds(), elapsed.Round(time.Millisecond), n, ms(cpu/time.Duration(n)))
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func post(client *http.Client, url string, body []byte) (*admissionv1.AdmissionResponse, error) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(data, &out); err != nil || out.Response == nil {
		return nil, errors.Join(errors.New("no AdmissionReview response"), err)
	}
	return out.Response, nil
}

// shopLookup is the namespace "shop" as an informer cache would hold it:
// its labels, a default-deny and an allow policy, and two service
// accounts.
type shopLookup admission.Mode

func (l shopLookup) Namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		admission.ModeLabel:                  string(l),
		"pod-security.kubernetes.io/enforce": "baseline",
		"pod-security.kubernetes.io/warn":    "restricted",
		"kubernetes.io/metadata.name":        name,
	}}}
}

func (l shopLookup) Context(namespace string) []k8sruntime.Object {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: namespace} }
	no := false
	return []k8sruntime.Object{
		&networkingv1.NetworkPolicy{ObjectMeta: meta("default-deny"), Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}},
		&networkingv1.NetworkPolicy{ObjectMeta: meta("web"), Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(8080))}}}},
		}},
		&corev1.ServiceAccount{ObjectMeta: meta("default"), AutomountServiceAccountToken: &no},
		&corev1.ServiceAccount{ObjectMeta: meta("web")},
	}
}

func ptr[T any](v T) *T { return &v }

// reviewBody is the AdmissionReview of a realistic Pod, as a ReplicaSet
// creates it: two containers and an init container, resources, probes,
// environment from Secrets and ConfigMaps, volumes, a security context
// that meets baseline but not all of restricted.
func reviewBody() ([]byte, error) {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")},
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}, PeriodSeconds: 10}
	ctr := func(name, image string) corev1.Container {
		return corev1.Container{
			Name: name, Image: image, Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			Env: []corev1.EnvVar{
				{Name: "LOG_LEVEL", Value: "info"},
				{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}},
			},
			EnvFrom:         []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "web-config"}}}},
			VolumeMounts:    []corev1.VolumeMount{{Name: "cache", MountPath: "/cache"}, {Name: "config", MountPath: "/etc/web", ReadOnly: true}},
			SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
		}
	}
	ctrl := true
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{GenerateName: "web-7d9f8c6b5-", Namespace: "shop",
			Labels:          map[string]string{"app": "web", "pod-template-hash": "7d9f8c6b5", "app.kubernetes.io/version": "2.14.1"},
			Annotations:     map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9102"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-7d9f8c6b5", UID: "0c5e1b52-3f0c-4b8e-9d55-5b0f0f1e6a11", Controller: &ctrl}},
		},
		Spec: corev1.PodSpec{
			ServiceAccountName: "web",
			InitContainers:     []corev1.Container{ctr("migrate", "registry.example.com/shop/web:2.14.1")},
			Containers:         []corev1.Container{ctr("web", "registry.example.com/shop/web:2.14.1"), ctr("envoy", "docker.io/envoyproxy/envoy:v1.31.2")},
			Volumes: []corev1.Volume{
				{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "web-config"}}}},
			},
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		},
	}
	raw, err := json.Marshal(pod)
	if err != nil {
		return nil, err
	}
	return json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       "705ab4f5-6393-11e8-b7cc-42010a800002",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Namespace: "shop",
			Operation: admissionv1.Create,
			UserInfo:  authUser(),
			Object:    k8sruntime.RawExtension{Raw: raw},
		},
	})
}

// writeCertificate makes a CA and a serving certificate for 127.0.0.1
// signed by it, writes tls.crt and tls.key into dir and returns the CA.
func writeCertificate(dir string) (*x509.CertPool, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "admissionbench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "fourc-admission"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, admission.CertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, admission.KeyFile), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return pool, nil
}

func authUser() authenticationv1.UserInfo {
	return authenticationv1.UserInfo{Username: "system:serviceaccount:kube-system:replicaset-controller", Groups: []string{"system:serviceaccounts", "system:authenticated"}}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
