// Package cluster is the live-cluster source of the Cluster layer: it
// reads a cluster through a kubeconfig (read-only, paginated lists),
// turns what it reads into the same object model manifests produce
// (kube.Object, kube.Set), runs the same checks on it and builds the same
// assets for the cross-layer graph, and adds what only a live cluster
// shows: effective RBAC permissions (aggregated ClusterRoles resolved,
// group bindings followed), the pods a NetworkPolicy selects, default
// service accounts, legacy token Secrets, the nodes pods run on and the
// digests their images resolved to, the platform (from node labels and
// the server version) and, on kubeadm clusters, the CIS checks of
// kubeadm's ConfigMaps.
//
// Secret values are never read: Secrets are listed as metadata only
// (PartialObjectMetadataList), and the request accepts no other answer.
// Of a Node, only its name, labels and runtime handler names are kept.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/transport"
)

// scannerName names this source in Skipped entries.
const scannerName = "cluster"

// DefaultPageSize is how many objects one list request asks for.
const DefaultPageSize = 500

// Options say which cluster to read and how much of it.
type Options struct {
	// Kubeconfig is the kubeconfig file; empty means $KUBECONFIG, then
	// ~/.kube/config, then the in-cluster service account.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// Namespace limits namespaced objects to one namespace. Empty means
	// the context's namespace when it names one, else every namespace.
	// Cluster-scoped objects (Namespaces, ClusterRoles and their bindings)
	// are always read: effective permissions need them.
	Namespace string
	// AllNamespaces reads every namespace, whatever Namespace says.
	AllNamespaces bool
	// PageSize is the limit of each list request; zero means
	// DefaultPageSize.
	PageSize int64
	// KubeOptions tune the shared Kubernetes checks.
	KubeOptions kube.Options
}

// Snapshot is what one read of a cluster saw.
type Snapshot struct {
	// Server is the API server's URL; Context the kubeconfig context used.
	Server  string
	Context string
	// Version is the API server's version, e.g. "v1.37.2".
	Version string
	// Namespace is the namespace read, or empty for all of them.
	Namespace string
	// Set holds every object read, in the model the checks inspect.
	// Controller-owned Pods are kept slim (metadata, service account and
	// node only): their owners are what the checks judge.
	Set *kube.Set
	// Secrets are the metadata of every Secret read; never their data.
	Secrets []SecretMeta
	// Nodes are the names, labels and runtime handlers of every Node;
	// never more of them.
	Nodes []NodeMeta
	// ConfigMaps are kubeadm's ConfigMaps ([KubeadmConfigMaps]) the
	// cluster has, by "namespace/name".
	ConfigMaps map[string]map[string]string
	// Counts is how many objects were read per resource, e.g. "pods".
	Counts map[string]int
}

// NodeMeta is what fourc keeps of a Node: its name, labels and runtime
// handlers.
type NodeMeta struct {
	Name   string
	Labels map[string]string
	// RuntimeHandlers are the names of the container runtime handlers the
	// kubelet reports (status.runtimeHandlers, kubelet 1.30+); nil when it
	// reports none.
	RuntimeHandlers []string
}

// MinorVersion returns the server's "v<major>.<minor>", or "" when unknown.
func (s *Snapshot) MinorVersion() string {
	v, err := version.ParseGeneric(s.Version)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("v%d.%d", v.Major(), v.Minor())
}

// target is a cluster to read: its client configuration and a name for
// errors.
type target struct {
	config     *rest.Config
	server     string
	context    string
	kubeconfig string
	namespace  string // "" for all namespaces
}

// connect resolves the kubeconfig and the namespace to read, with a
// client bounded by the network limits of ctx (see [bound]).
func connect(ctx context.Context, opts Options) (*target, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if opts.Kubeconfig != "" {
		if _, err := os.Stat(opts.Kubeconfig); err != nil {
			return nil, fmt.Errorf("reading kubeconfig %q: %w", opts.Kubeconfig, errors.Unwrap(err))
		}
		rules.ExplicitPath = opts.Kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: opts.Context})
	where := kubeconfigName(opts.Kubeconfig, rules)
	cfg, err := cc.ClientConfig()
	if err != nil && clientcmd.IsEmptyConfig(err) && opts.Kubeconfig == "" {
		return nil, errors.New("no kubeconfig found and not running in a cluster: give --kubeconfig FILE or set KUBECONFIG")
	}
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig %s: %s", where, oneLine(err.Error()))
	}
	raw, _ := cc.RawConfig()
	ctxName := opts.Context
	if ctxName == "" {
		ctxName = raw.CurrentContext
	}
	ns := ""
	switch {
	case opts.AllNamespaces:
	case opts.Namespace != "":
		ns = opts.Namespace
	default:
		// The context's own namespace, when it names one. (cc.Namespace
		// calls only a command-line override "explicit" and answers
		// "default" for a context without one, which must read all.)
		if c := raw.Contexts[ctxName]; c != nil {
			ns = c.Namespace
		}
	}
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = "fourc (read-only)"
	// A scan makes a few dozen list requests; client-go's default of 5
	// per second would make it wait for nothing.
	cfg.QPS, cfg.Burst = 50, 100
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	bound(ctx, cfg)
	return &target{config: cfg, server: cfg.Host, context: ctxName, kubeconfig: where, namespace: ns}, nil
}

// kubeconfigName names the kubeconfig in errors.
func kubeconfigName(explicit string, rules *clientcmd.ClientConfigLoadingRules) string {
	if explicit != "" {
		return fmt.Sprintf("%q", explicit)
	}
	var found []string
	for _, p := range rules.GetLoadingPrecedence() {
		if _, err := os.Stat(p); err == nil {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return "(none found; in-cluster configuration)"
	}
	return fmt.Sprintf("%q", strings.Join(found, string(os.PathListSeparator)))
}

// describe names the cluster for an error: server, context and kubeconfig.
func (t *target) describe() string {
	s := fmt.Sprintf("cluster %s", t.server)
	if t.context != "" {
		s += fmt.Sprintf(" (context %q, kubeconfig %s)", t.context, t.kubeconfig)
	} else {
		s += fmt.Sprintf(" (kubeconfig %s)", t.kubeconfig)
	}
	return s
}

// reachError turns the error of the first request into one line that
// says what to do: the server is unreachable, or rejected the credentials.
func (t *target) reachError(err error) error {
	var (
		urlErr *url.Error
		netErr net.Error
		bound  *transport.Error
	)
	switch {
	case errors.As(err, &bound):
		return fmt.Errorf("%s: %s", t.describe(), bound.Error())
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("%s rejected the credentials (expired or revoked?): %s", t.describe(), oneLine(err.Error()))
	case apierrors.IsForbidden(err):
		return fmt.Errorf("%s refused to tell its version: %s", t.describe(), oneLine(err.Error()))
	case strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:"):
		return fmt.Errorf("%s: TLS handshake failed (certificate expired or not trusted?): %s", t.describe(), oneLine(rootCause(err)))
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		return fmt.Errorf("%s is unreachable: %s", t.describe(), oneLine(rootCause(err)))
	}
	return fmt.Errorf("%s: %s", t.describe(), oneLine(err.Error()))
}

// rootCause strips the "Get \"https://…\": " wrapping of a url.Error,
// whose URL the message already names.
func rootCause(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		return urlErr.Err.Error()
	}
	return err.Error()
}

// Read reads the cluster opts name: the server version, then every kind
// fourc inspects, page by page. A kind the credentials may not list (or
// the server does not serve) becomes a Skipped entry and the read goes
// on; the error is for a cluster that cannot be used at all (no
// kubeconfig, unreachable, credentials rejected).
func Read(ctx context.Context, opts Options) (*Snapshot, []finding.Skipped, error) {
	ctx = quiet(ctx)
	t, err := connect(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	cs, err := kubernetes.NewForConfig(t.config)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s", t.describe(), oneLine(err.Error()))
	}
	v, err := serverVersion(ctx, cs)
	if err != nil && ctx.Err() != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", t.describe(), context.Cause(ctx))
	}
	if err != nil {
		return nil, nil, t.reachError(err)
	}
	pageSize := opts.PageSize
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	r := reader{client: cs, namespace: t.namespace, pageSize: pageSize}
	snap, skipped, err := r.read(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", t.describe(), err)
	}
	snap.Server, snap.Context, snap.Version, snap.Namespace = t.server, t.context, v.GitVersion, t.namespace
	return snap, skipped, nil
}

// Result is what one live scan produced.
type Result struct {
	// Snapshot is what the scan read.
	Snapshot *Snapshot
	// Findings are sorted: the shared Kubernetes checks, the live-only
	// checks and the CIS checks of kubeadm's ConfigMaps.
	Findings []finding.Finding
	// Skipped are the kinds and ConfigMaps that could not be read.
	Skipped []finding.Skipped
	// Assets are what the scan saw, for the cross-layer graph: the same
	// assets a manifest scan of the same objects gives, plus the nodes
	// and image digests of running Pods ([Assets]).
	Assets []finding.Asset
	// Environment is the platform, version and CIS benchmark the scan
	// detected and used.
	Environment finding.Environment
	// Notices say what the scan could not judge and why.
	Notices []string
}

// Scan reads the cluster and runs every check on what it read: the shared
// Kubernetes checks (the same as for manifests), the live-only checks of
// this package and, on a kubeadm cluster, the CIS control-plane checks of
// its ClusterConfiguration. It also returns the assets of what it read
// and the environment it detected.
func Scan(ctx context.Context, opts Options) (*Result, error) {
	snap, skipped, err := Read(ctx, opts)
	if err != nil {
		return nil, err
	}
	platform := detectPlatform(snap)
	bench := controlplane.Benchmark(snap.Version)
	res := &Result{
		Snapshot: snap,
		Skipped:  skipped,
		Assets:   Assets(snap),
		Environment: finding.Environment{
			Platform:          platformName(platform),
			PlatformEvidence:  platform.Evidence,
			KubernetesVersion: snap.Version,
			Benchmark:         controlplane.BenchmarkLabel(bench),
		},
	}
	// The Pod Security Standards are judged at the cluster's own version
	// unless the user named one.
	kopts := opts.KubeOptions
	if kopts.KubernetesVersion == "" {
		kopts.KubernetesVersion = snap.MinorVersion()
	}
	var rtNotice string
	if kopts.RuntimeHandlers, rtNotice = runtimeHandlers(snap, kopts.RuntimeHandlers); rtNotice != "" {
		res.Notices = append(res.Notices, rtNotice)
	}
	res.Findings = Evaluate(snap, kopts)
	cfs, csk, notice, err := scanKubeadm(ctx, snap, platform, bench)
	if err != nil {
		return nil, err
	}
	res.Findings = append(res.Findings, cfs...)
	res.Skipped = append(res.Skipped, csk...)
	if notice != "" {
		res.Notices = append(res.Notices, notice)
	}
	finding.Sort(res.Findings)
	return res, nil
}

// Evaluate runs the shared Kubernetes checks and the live-only checks on
// a snapshot.
func Evaluate(snap *Snapshot, opts kube.Options) []finding.Finding {
	out := kube.NewScanner(opts).Evaluate(snap.Set)
	out = append(out, evaluateLive(snap)...)
	finding.Sort(out)
	return out
}

// oneLine joins the lines of a message, for errors and skip reasons.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
