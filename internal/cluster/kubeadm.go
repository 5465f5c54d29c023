package cluster

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/finding"
)

// kubeadmNamespace is where kubeadm keeps its ConfigMaps.
const kubeadmNamespace = "kube-system"

// KubeadmConfigMaps are the ConfigMaps of kube-system a read gets by name
// (deploy/fourc-reader-clusterrole.yaml grants "get" on these names only):
// kubeadm's ClusterConfiguration and its cluster-wide
// KubeletConfiguration.
func KubeadmConfigMaps() []string {
	return []string{controlplane.KubeadmConfigMap, controlplane.KubeletConfigMap}
}

// kubeadmConfigMaps gets kubeadm's ConfigMaps, by "namespace/name". A
// ConfigMap the cluster does not have is absent from the map; one the
// credentials may not read makes a skipped entry and the read goes on.
func (r reader) kubeadmConfigMaps(ctx context.Context) (map[string]map[string]string, *finding.Skipped) {
	out := map[string]map[string]string{}
	for _, name := range KubeadmConfigMaps() {
		cm, err := r.client.CoreV1().ConfigMaps(kubeadmNamespace).Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return nil, &finding.Skipped{Path: "namespaces/" + kubeadmNamespace + "/configmaps/" + name, Scanner: scannerName,
				Reason: fmt.Sprintf("getting configmap %s/%s: %s", kubeadmNamespace, name, skipReason(err))}
		}
		out[kubeadmNamespace+"/"+name] = cm.Data
	}
	return out, nil
}

// ConfigMapData implements controlplane.ConfigMapGetter from what the
// read got: only kubeadm's ConfigMaps are there.
func (s *Snapshot) ConfigMapData(_ context.Context, namespace, name string) (map[string]string, error) {
	if d, ok := s.ConfigMaps[namespace+"/"+name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("configmap %s/%s: %w", namespace, name, controlplane.ErrNotFound)
}

// detectPlatform tells the cluster's platform: from node labels (a
// managed service or distribution before kubeadm's control-plane label),
// then the server version's suffix ("-eks-", "+k3s"), then the presence
// of kubeadm's ClusterConfiguration.
func detectPlatform(snap *Snapshot) controlplane.Platform {
	var best controlplane.Platform
	for _, n := range snap.Nodes {
		p := controlplane.PlatformFromNodeLabels(n.Labels)
		if p.Name == "" {
			continue
		}
		p.Evidence += " on node " + n.Name
		if p.Name != "kubeadm" {
			return p
		}
		if best.Name == "" {
			best = p
		}
	}
	if p := controlplane.PlatformFromVersion(snap.Version); p.Name != "" {
		return p
	}
	if best.Name != "" {
		return best
	}
	if _, ok := snap.ConfigMaps[kubeadmNamespace+"/"+controlplane.KubeadmConfigMap]; ok {
		return controlplane.Platform{Name: "kubeadm", Evidence: "ConfigMap " + kubeadmNamespace + "/" + controlplane.KubeadmConfigMap}
	}
	return controlplane.Platform{}
}

// platformName names a platform for the report; "unknown" when nothing
// told it.
func platformName(p controlplane.Platform) string {
	if p.Name == "" {
		return "unknown"
	}
	return p.String()
}

// scanKubeadm judges kubeadm's ClusterConfiguration and
// KubeletConfiguration against the benchmark. Without them (a managed
// service, another distribution, or a namespaced read that could not get
// them) it returns a notice saying what was not judged.
func scanKubeadm(ctx context.Context, snap *Snapshot, platform controlplane.Platform, bench string) ([]finding.Finding, []finding.Skipped, string, error) {
	if _, ok := snap.ConfigMaps[kubeadmNamespace+"/"+controlplane.KubeadmConfigMap]; !ok {
		if snap.ConfigMaps == nil {
			return nil, nil, "", nil // could not read: a skipped entry says so
		}
		why := "the cluster has no ConfigMap " + kubeadmNamespace + "/" + controlplane.KubeadmConfigMap
		if platform.Managed {
			why = "the control plane of " + platform.String() + " is managed by the provider"
		}
		return nil, nil, "control-plane configuration not checked: " + why + "; run `fourc host` on a control-plane node to check its flags and files", nil
	}
	fs, sk, err := controlplane.ScanKubeadm(ctx, snap, controlplane.Options{KubernetesVersion: snap.Version, Benchmark: bench})
	if err != nil {
		return nil, nil, "", fmt.Errorf("kubeadm configuration: %w", err)
	}
	return fs, sk, "", nil
}
