package kube

// FC-K8S-211 inspects spec.accessModes and spec.storageClassName of
// PersistentVolumeClaims and the provisioner of the StorageClass they name
// (or of the set's default class, annotated
// storageclass.kubernetes.io/is-default-class=true, when the claim names
// none). The rule:
//
//   - ReadWriteOnce or ReadWriteOncePod from a class whose provisioner
//     serves a network file share (AWS EFS, Azure Files, GCP Filestore, NFS
//     drivers and provisioners, CephFS, GlusterFS) fails: those drivers do
//     not enforce access modes, so the share stays mountable read-write by
//     every pod and node that reaches it, and the single writer the claim
//     asks for is not guaranteed.
//   - ReadWriteMany from a class whose provisioner attaches a block device
//     (AWS EBS, GCE PD, Azure Disk, Ceph RBD, Cinder, vSphere block volumes,
//     in-tree or CSI) fails: the device cannot be attached read-write to
//     several nodes safely; the claim stays Pending or, with a hand-made
//     PersistentVolume, several writers corrupt one file system.
//
// Claims whose class the scan does not hold are not judged.
//
// Severity LOW; Trivy, Kubescape and kube-bench have no such check.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// fileShareProvisioner reports whether a provisioner serves network file
// shares, which do not enforce access modes.
func fileShareProvisioner(p string) bool {
	switch p {
	case "efs.csi.aws.com", "file.csi.azure.com", "kubernetes.io/azure-file", "filestore.csi.storage.gke.io",
		"nfs.csi.k8s.io", "cephfs.csi.ceph.com", "kubernetes.io/cephfs", "kubernetes.io/glusterfs", "k8s-sigs.io/nfs-subdir-external-provisioner":
		return true
	}
	return strings.Contains(p, "nfs")
}

// blockProvisioner reports whether a provisioner attaches block devices,
// which cannot be shared read-write between nodes.
func blockProvisioner(p string) bool {
	switch p {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs", "pd.csi.storage.gke.io", "kubernetes.io/gce-pd",
		"disk.csi.azure.com", "kubernetes.io/azure-disk", "rbd.csi.ceph.com", "kubernetes.io/rbd",
		"cinder.csi.openstack.org", "kubernetes.io/cinder", "kubernetes.io/vsphere-volume":
		return true
	}
	return false
}

// claimClass returns the StorageClass a claim uses in its set, or nil.
func claimClass(set *Set, pvc *corev1.PersistentVolumeClaim) *storagev1.StorageClass {
	if set == nil {
		return nil
	}
	if pvc.Spec.StorageClassName != nil {
		if *pvc.Spec.StorageClassName == "" {
			return nil // static binding, no class
		}
		return set.StorageClass(*pvc.Spec.StorageClassName)
	}
	for _, o := range set.StorageClasses {
		if sc, ok := o.Typed.(*storagev1.StorageClass); ok && sc.Annotations["storageclass.kubernetes.io/is-default-class"] == "true" {
			return sc
		}
	}
	return nil
}

func checkClaimAccessMode() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-K8S-211", "PersistentVolumeClaim asks for an access mode its class cannot enforce", finding.SeverityLow,
			"Access modes are a promise the volume driver keeps: network file shares (EFS, Azure Files, Filestore, NFS, CephFS) ignore ReadWriteOnce and stay writable by every pod that reaches the share, and block devices (EBS, PD, Azure Disk, RBD) cannot honour ReadWriteMany. A claim that relies on the mode gets either more sharing than it asked for or none at all.",
			"Use a class whose driver enforces the mode: a block-device class for a single writer (ReadWriteOncePod where the driver supports it), a file-share class for ReadWriteMany, with the share's own export rules restricting who mounts it.",
			finding.Reference{Source: "Kubernetes persistent volume access modes", URL: "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes"}, refNSA()),
		Eval: func(o *Object) []check.Violation {
			pvc, ok := o.Typed.(*corev1.PersistentVolumeClaim)
			if !ok {
				return nil
			}
			sc := claimClass(o.Set(), pvc)
			if sc == nil {
				return nil
			}
			for i, m := range pvc.Spec.AccessModes {
				var why string
				switch {
				case (m == corev1.ReadWriteOnce || m == corev1.ReadWriteOncePod) && fileShareProvisioner(sc.Provisioner):
					why = "a network file share that does not enforce access modes: other pods can mount it read-write"
				case m == corev1.ReadWriteMany && blockProvisioner(sc.Provisioner):
					why = "a block device that cannot be attached read-write to several nodes"
				default:
					continue
				}
				return []check.Violation{{
					Message: fmt.Sprintf("%s asks for %s from StorageClass %q, whose provisioner %s serves %s", o, m, sc.Name, sc.Provisioner, why),
					Field:   fieldIndex("spec.accessModes", i),
				}}
			}
			return nil
		},
	}
}
