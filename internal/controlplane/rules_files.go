package controlplane

import "github.com/fourc-dev/fourc/internal/finding"

// kubeletUnitFiles are the kubelet's service files the benchmark names.
var kubeletUnitFiles = []string{
	"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
	"/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
	"/etc/systemd/system/kubelet.service",
	"/lib/systemd/system/kubelet.service",
	"/usr/lib/systemd/system/kubelet.service",
}

// adminKubeconfigs are kubeadm's administrator kubeconfigs.
var adminKubeconfigs = []string{"/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf"}

// pkiDir is kubeadm's certificate directory.
const pkiDir = "/etc/kubernetes/pki"

// fileRule declares a pair of rules (mode, then owner) over the same files.
func filePair(modeID, modeCIS, ownerID, ownerCIS string, comps []Component, files Files, what, mode string, sev finding.Severity, why string) []Rule {
	return []Rule{
		{
			ID: modeID, CIS: modeCIS, Components: comps, Severity: sev,
			Title:       what + " is readable or writable by others",
			Description: why + " Its mode must be " + mode + " or stricter.",
			Remediation: "Run chmod " + mode + " on the file (chmod -R for a directory of keys) on each node.",
			Op:          FileModeAtMost, Want: mode, Files: files,
		},
		{
			ID: ownerID, CIS: ownerCIS, Components: comps, Severity: sev,
			Title:       what + " is not owned by root",
			Description: why + " Whoever owns it can change its permissions and content.",
			Remediation: "Run chown root:root on the file on each node.",
			Op:          FileOwnedBy, Want: "root:root", Files: files,
		},
	}
}

func fileRules() []Rule {
	var out []Rule
	manifest := Files{Manifest: true}
	podSpec := "A static pod manifest decides what the kubelet runs as a control-plane component, with host access; whoever can change it owns the node."
	out = append(out, filePair("FC-CIS-090", "1.1.1", "FC-CIS-091", "1.1.2", []Component{APIServer}, manifest,
		"API server pod specification file", "600", finding.SeverityMedium, podSpec)...)
	out = append(out, filePair("FC-CIS-092", "1.1.3", "FC-CIS-093", "1.1.4", []Component{ControllerManager}, manifest,
		"Controller manager pod specification file", "600", finding.SeverityMedium, podSpec)...)
	out = append(out, filePair("FC-CIS-094", "1.1.5", "FC-CIS-095", "1.1.6", []Component{Scheduler}, manifest,
		"Scheduler pod specification file", "600", finding.SeverityMedium, podSpec)...)
	out = append(out, filePair("FC-CIS-096", "1.1.7", "FC-CIS-097", "1.1.8", []Component{Etcd}, manifest,
		"etcd pod specification file", "600", finding.SeverityMedium, podSpec)...)
	dataDir := Files{Flag: "data-dir", Default: "/var/lib/etcd"}
	out = append(out,
		Rule{
			ID: "FC-CIS-098", CIS: "1.1.11", Components: []Component{Etcd}, Severity: finding.SeverityHigh,
			Title:       "etcd data directory is open to other users",
			Description: "etcd's data directory holds every object of the cluster, Secrets included (in clear text unless encryption at rest is on). Its mode must be 700 or stricter.",
			Remediation: "Run chmod 700 on etcd's --data-dir (e.g. /var/lib/etcd).",
			Op:          FileModeAtMost, Want: "700", Files: dataDir,
		},
		Rule{
			ID: "FC-CIS-099", CIS: "1.1.12", Components: []Component{Etcd}, Severity: finding.SeverityMedium,
			Title:       "etcd data directory has the wrong owner",
			Description: "etcd's data directory must belong to the user etcd runs as: etcd:etcd where that user exists, root:root on kubeadm nodes, which run etcd as root and have no etcd user.",
			Remediation: "Run chown -R etcd:etcd on etcd's --data-dir (root:root where etcd runs as root).",
			Op:          FileOwnedBy, Want: "etcd:etcd", Files: dataDir,
		},
	)
	out = append(out, filePair("FC-CIS-100", "1.1.13", "FC-CIS-101", "1.1.14", []Component{ControlPlaneNode}, Files{Paths: adminKubeconfigs},
		"Administrator kubeconfig", "600", finding.SeverityHigh,
		"admin.conf and super-admin.conf hold a client certificate of group system:masters, which no RBAC rule can restrict.")...)
	out = append(out, filePair("FC-CIS-102", "1.1.15", "FC-CIS-103", "1.1.16", []Component{Scheduler},
		Files{Flag: "kubeconfig", Default: "/etc/kubernetes/scheduler.conf"},
		"Scheduler kubeconfig", "600", finding.SeverityMedium,
		"The scheduler's kubeconfig holds its client credentials.")...)
	out = append(out, filePair("FC-CIS-104", "1.1.17", "FC-CIS-105", "1.1.18", []Component{ControllerManager},
		Files{Flag: "kubeconfig", Default: "/etc/kubernetes/controller-manager.conf"},
		"Controller manager kubeconfig", "600", finding.SeverityHigh,
		"The controller manager's kubeconfig holds credentials that can create tokens for any service account.")...)
	out = append(out,
		Rule{
			ID: "FC-CIS-106", CIS: "1.1.19", Components: []Component{ControlPlaneNode}, Severity: finding.SeverityHigh,
			Title:       "Kubernetes PKI file or directory is not owned by root",
			Description: "/etc/kubernetes/pki holds the cluster CA and its key; whoever owns a file there can replace the CA or read its key.",
			Remediation: "Run chown -R root:root /etc/kubernetes/pki/.",
			Op:          FileOwnedBy, Want: "root:root", Files: Files{Dir: pkiDir},
		},
		Rule{
			ID: "FC-CIS-107", CIS: "1.1.20", Components: []Component{ControlPlaneNode}, Severity: finding.SeverityMedium,
			Title:       "Kubernetes PKI certificate is writable by others",
			Description: "A certificate under /etc/kubernetes/pki that others can write can be replaced with an attacker's CA. Its mode must be 644 or stricter.",
			Remediation: "Run chmod -R 644 /etc/kubernetes/pki/*.crt.",
			Op:          FileModeAtMost, Want: "644", Files: Files{Dir: pkiDir, Suffix: ".crt"},
		},
		Rule{
			ID: "FC-CIS-108", CIS: "1.1.21", Components: []Component{ControlPlaneNode}, Severity: finding.SeverityCritical,
			Title:       "Kubernetes PKI private key is readable by others",
			Description: "The keys under /etc/kubernetes/pki include the cluster CA's, the service-account signer's and etcd's: any of them yields full control of the cluster. Their mode must be 600.",
			Remediation: "Run chmod -R 600 /etc/kubernetes/pki/*.key.",
			Op:          FileModeAtMost, Want: "600", Files: Files{Dir: pkiDir, Suffix: ".key"},
		},
	)
	kl := []Component{Kubelet}
	out = append(out, filePair("FC-CIS-080", "4.1.1", "FC-CIS-081", "4.1.2", kl, Files{Paths: kubeletUnitFiles},
		"Kubelet service file", "600", finding.SeverityMedium,
		"The kubelet's systemd unit and drop-ins decide its flags: whoever can change them can turn off its authentication.")...)
	out = append(out, filePair("FC-CIS-082", "4.1.5", "FC-CIS-083", "4.1.6", kl,
		Files{Flag: "kubeconfig", Default: "/etc/kubernetes/kubelet.conf"},
		"Kubelet kubeconfig", "600", finding.SeverityHigh,
		"The kubelet's kubeconfig holds the node's client credentials, which can read every Secret of the pods on the node.")...)
	out = append(out, filePair("FC-CIS-084", "4.1.7", "FC-CIS-085", "4.1.8", kl,
		Files{Flag: "client-ca-file", Key: "authentication.x509.clientCAFile"},
		"Kubelet client CA file", "644", finding.SeverityMedium,
		"The CA file decides which client certificates the kubelet trusts; whoever can replace it can exec into every container on the node.")...)
	out = append(out, filePair("FC-CIS-086", "4.1.9", "FC-CIS-087", "4.1.10", kl, Files{Config: true},
		"Kubelet config file", "600", finding.SeverityMedium,
		"The kubelet's config file sets its authentication, authorization and ports.")...)
	return out
}
