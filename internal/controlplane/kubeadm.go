package controlplane

import (
	"context"
	"errors"
	"fmt"

	"github.com/fourc-dev/fourc/internal/finding"
)

// ConfigMapGetter reads ConfigMaps of a live cluster. internal/cluster
// implements it with client-go; this package never talks to a cluster
// itself.
type ConfigMapGetter interface {
	// ConfigMapData returns the data of a ConfigMap, or an error wrapping
	// ErrNotFound when it does not exist.
	ConfigMapData(ctx context.Context, namespace, name string) (map[string]string, error)
}

// ErrNotFound is what a ConfigMapGetter wraps for a missing ConfigMap.
var ErrNotFound = errors.New("not found")

// The ConfigMaps kubeadm leaves in kube-system.
const (
	KubeadmConfigMap = "kubeadm-config"
	KubeletConfigMap = "kubelet-config"
)

// kubeadmDefaults are the flags kubeadm writes into the static pods before
// a ClusterConfiguration's extraArgs override them (kubeadm v1.2x–v1.3x).
var kubeadmDefaults = map[Component][]string{
	APIServer: {
		"--allow-privileged=true", "--authorization-mode=Node,RBAC",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt", "--enable-admission-plugins=NodeRestriction",
		"--enable-bootstrap-token-auth=true", "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
		"--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
		"--etcd-servers=https://127.0.0.1:2379",
		"--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--secure-port=6443", "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub", "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
		"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
	},
	ControllerManager: {
		"--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt", "--kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--leader-elect=true", "--root-ca-file=/etc/kubernetes/pki/ca.crt",
		"--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--use-service-account-credentials=true",
	},
	Scheduler: {
		"--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true",
	},
	Etcd: {
		"--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--client-cert-auth=true", "--data-dir=/var/lib/etcd",
		"--key-file=/etc/kubernetes/pki/etcd/server.key", "--listen-client-urls=https://127.0.0.1:2379",
		"--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt", "--peer-client-cert-auth=true",
		"--peer-key-file=/etc/kubernetes/pki/etcd/peer.key", "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
		"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
	},
}

// kubeadmSections are where a ClusterConfiguration keeps each component's
// extraArgs.
var kubeadmSections = map[Component]string{
	APIServer: "apiServer", ControllerManager: "controllerManager", Scheduler: "scheduler", Etcd: "etcd.local",
}

// ParseClusterConfiguration reads kubeadm's ClusterConfiguration (the
// ClusterConfiguration key of kube-system/kubeadm-config) into the
// configurations of the components it generates: kubeadm's default flags
// overridden by each component's extraArgs (a map in v1beta3, a list of
// name/value pairs in v1beta4). An external etcd yields no etcd
// configuration.
func ParseClusterConfiguration(data string) ([]*ComponentConfig, error) {
	root, err := decodeYAML([]byte(data))
	if err != nil {
		return nil, fmt.Errorf("decoding kubeadm ClusterConfiguration: %w", err)
	}
	if k := root.get("kind").str(); k != "ClusterConfiguration" {
		return nil, fmt.Errorf("kubeadm-config: kind %q, want ClusterConfiguration", k)
	}
	version := root.get("kubernetesVersion").str()
	src := "kube-system/" + KubeadmConfigMap
	var out []*ComponentConfig
	for _, comp := range []Component{APIServer, ControllerManager, Scheduler, Etcd} {
		section := root.path(kubeadmSections[comp])
		if comp == Etcd && root.path("etcd.external") != nil {
			continue
		}
		args := ParseArgs(kubeadmDefaults[comp], src, nil)
		extra := section.get("extraArgs")
		if items := extra.items(); items != nil {
			for _, it := range items { // v1beta4: [{name, value}]
				args = append(args, Arg{Name: it.get("name").str(), Value: it.get("value").str(), Path: src, Line: it.line()})
			}
		} else if extra != nil && extra.n != nil {
			for i := 0; i+1 < len(extra.n.Content); i += 2 { // v1beta3: {name: value}
				args = append(args, Arg{Name: extra.n.Content[i].Value, Value: extra.n.Content[i+1].Value, Path: src, Line: extra.n.Content[i].Line})
			}
		}
		out = append(out, &ComponentConfig{Component: comp, Source: SourceKubeadm, Path: src, Node: "cluster", Version: version, Args: args})
	}
	return out, nil
}

// ScanKubeadm reads kubeadm's ConfigMaps from a live cluster through get
// and judges the ClusterConfiguration's flags, and the cluster-wide
// KubeletConfiguration, against the benchmark. A cluster without kubeadm's
// ConfigMaps (a managed service, k3s) yields a skipped entry saying so, not
// an error; the error is for a getter that fails otherwise.
func ScanKubeadm(ctx context.Context, get ConfigMapGetter, opts Options) ([]finding.Finding, []finding.Skipped, error) {
	data, err := get.ConfigMapData(ctx, "kube-system", KubeadmConfigMap)
	if errors.Is(err, ErrNotFound) {
		return nil, []finding.Skipped{{Path: "kube-system/" + KubeadmConfigMap, Scanner: ScannerName,
			Reason: "no kubeadm ClusterConfiguration: the control plane is not kubeadm's (managed service or another distribution); scan a node with `fourc host` instead"}}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading kube-system/%s: %w", KubeadmConfigMap, err)
	}
	var skipped []finding.Skipped
	cfgs, err := ParseClusterConfiguration(data["ClusterConfiguration"])
	if err != nil {
		skipped = append(skipped, finding.Skipped{Path: "kube-system/" + KubeadmConfigMap, Scanner: ScannerName, Reason: err.Error()})
	}
	kdata, err := get.ConfigMapData(ctx, "kube-system", KubeletConfigMap)
	switch {
	case err == nil && kdata["kubelet"] != "":
		src := "kube-system/" + KubeletConfigMap
		kc := &ComponentConfig{Component: Kubelet, Source: SourceKubeadm, Path: src, Node: "cluster"}
		root, derr := decodeYAML([]byte(kdata["kubelet"]))
		if derr != nil {
			skipped = append(skipped, finding.Skipped{Path: src, Scanner: ScannerName, Reason: "decoding KubeletConfiguration: " + derr.Error()})
		} else {
			kc.Config = &Doc{Path: src, Root: root}
			cfgs = append(cfgs, kc)
		}
	case err != nil && !errors.Is(err, ErrNotFound):
		return nil, nil, fmt.Errorf("reading kube-system/%s: %w", KubeletConfigMap, err)
	}
	version := opts.KubernetesVersion
	if version == "" {
		version = versionOf(cfgs)
	}
	bench := opts.Benchmark
	if bench == "" {
		bench = Benchmark(version)
	}
	// Without a node there are no files, so the rules about files and
	// about the contents of files named by flags find nothing here.
	return Evaluate(cfgs, bench), skipped, nil
}
