// Package controlplane checks a Kubernetes control plane and its nodes
// against the CIS Kubernetes Benchmark: the API server, controller
// manager, scheduler, etcd and kubelet, and the files they keep on the
// node.
//
// The benchmark is data ([Rules]): each rule names a component, a flag or
// config key (or files), how to judge it, and its CIS number in every
// benchmark version fourc knows; [Benchmark] maps a Kubernetes version to
// the benchmark version, as kube-bench does. A component's effective
// configuration ([ComponentConfig]) is parsed from a static pod manifest,
// a process command line or the kubelet's systemd units, merged with the
// config files they name; rules are pure functions of it.
//
// Inputs come from a node's root filesystem through internal/host ([Suite]
// implements host.Suite, for `fourc host ROOTFS`) or, for a live cluster,
// from kubeadm's ConfigMaps through a [ConfigMapGetter] that the caller
// implements ([ScanKubeadm]). Nothing here runs a command or imports
// client-go.
package controlplane
