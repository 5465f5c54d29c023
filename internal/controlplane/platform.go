package controlplane

import (
	"maps"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/host"
)

// Platform is the Kubernetes distribution a node belongs to.
type Platform struct {
	// Name is kubeadm, k3s, rke2, eks, gke, aks, or "" when the node shows
	// no sign of Kubernetes.
	Name string
	// Managed is true for cloud services whose control plane is not on
	// any node (eks, gke, aks).
	Managed bool
	// Evidence is the node path (or process) that gave it away.
	Evidence string
}

var platformNames = map[string]string{
	"kubeadm": "kubeadm", "k3s": "K3s", "rke2": "RKE2",
	"eks": "Amazon EKS", "gke": "Google GKE", "aks": "Azure AKS",
}

// String names the platform for people: "Amazon EKS".
func (p Platform) String() string {
	if n, ok := platformNames[p.Name]; ok {
		return n
	}
	if p.Name == "" {
		return "no Kubernetes"
	}
	return p.Name
}

// platformSigns are files and directories that identify a platform, in the
// order they are tried: the managed services first (their nodes may also
// carry kubeadm-like paths), then the distributions.
var platformSigns = []struct {
	name    string
	managed bool
	paths   []string
}{
	{"eks", true, []string{"/etc/eks/bootstrap.sh", "/etc/eks", "/etc/kubernetes/kubelet/kubelet-config.json", "/etc/kubernetes/kubelet/config.json"}},
	{"gke", true, []string{"/home/kubernetes/kubelet-config.yaml", "/home/kubernetes/bin/kubelet", "/etc/kubernetes/gke"}},
	{"aks", true, []string{"/etc/kubernetes/azure.json", "/etc/default/kubeletconfig.json", "/var/lib/azure"}},
	{"rke2", false, []string{"/etc/rancher/rke2", "/var/lib/rancher/rke2"}},
	{"k3s", false, []string{"/etc/rancher/k3s", "/var/lib/rancher/k3s"}},
	{"kubeadm", false, []string{"/etc/kubernetes/manifests/kube-apiserver.yaml", "/etc/kubernetes/manifests", "/var/lib/kubelet/kubeadm-flags.env", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", "/etc/kubernetes/kubelet.conf", "/etc/kubernetes/admin.conf"}},
}

// DetectPlatform tells which Kubernetes distribution a node belongs to,
// from files on its root filesystem and its running processes.
func DetectPlatform(n *host.Node) Platform {
	procs, _ := n.Processes()
	for _, p := range procs {
		switch p.Name() {
		case "k3s", "k3s-server", "k3s-agent":
			return Platform{Name: "k3s", Evidence: p.Path()}
		case "rke2":
			return Platform{Name: "rke2", Evidence: p.Path()}
		}
	}
	for _, s := range platformSigns {
		for _, p := range s.paths {
			if n.Exists(p) {
				return Platform{Name: s.name, Managed: s.managed, Evidence: p}
			}
		}
	}
	for _, p := range procs {
		if componentOfProgram(p.Name()) != "" {
			return Platform{Name: "kubernetes", Evidence: p.Path()}
		}
	}
	if osr := n.OSRelease(); osr["ID"] == "bottlerocket" {
		return Platform{Name: "eks", Managed: true, Evidence: "/etc/os-release"}
	} else if osr["ID"] == "cos" {
		return Platform{Name: "gke", Managed: true, Evidence: "/etc/os-release"}
	}
	return Platform{}
}

// PlatformFromNodeLabels tells the platform from a live cluster's node
// labels (for `fourc k8s`, where no node filesystem is at hand). Labels
// are tried in name order, so the evidence is the same on every run.
func PlatformFromNodeLabels(labels map[string]string) Platform {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		switch {
		case strings.HasPrefix(k, "eks.amazonaws.com/"):
			return Platform{Name: "eks", Managed: true, Evidence: "node label " + k}
		case strings.HasPrefix(k, "cloud.google.com/gke-"):
			return Platform{Name: "gke", Managed: true, Evidence: "node label " + k}
		case strings.HasPrefix(k, "kubernetes.azure.com/"):
			return Platform{Name: "aks", Managed: true, Evidence: "node label " + k}
		}
	}
	switch labels["node.kubernetes.io/instance-type"] {
	case "k3s":
		return Platform{Name: "k3s", Evidence: "node label node.kubernetes.io/instance-type=k3s"}
	case "rke2":
		return Platform{Name: "rke2", Evidence: "node label node.kubernetes.io/instance-type=rke2"}
	}
	if _, ok := labels["node-role.kubernetes.io/control-plane"]; ok {
		return Platform{Name: "kubeadm", Evidence: "node label node-role.kubernetes.io/control-plane"}
	}
	return Platform{}
}

// versionSigns are the marks distributions leave in the API server's
// version: "v1.31.2-eks-7f9249a", "v1.30.5-gke.1014001", "v1.31.1+k3s1",
// "v1.31.1+rke2r1".
var versionSigns = []struct {
	mark, name string
	managed    bool
}{
	{"-eks-", "eks", true},
	{"-gke.", "gke", true},
	{"+k3s", "k3s", false},
	{"+rke2", "rke2", false},
}

// PlatformFromVersion tells the platform from the API server's version
// (its /version gitVersion), or returns the zero Platform when the
// version carries no mark.
func PlatformFromVersion(gitVersion string) Platform {
	for _, s := range versionSigns {
		if strings.Contains(gitVersion, s.mark) {
			return Platform{Name: s.name, Managed: s.managed, Evidence: "server version " + gitVersion}
		}
	}
	return Platform{}
}
