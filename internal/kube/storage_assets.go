package kube

// Storage assets: the StorageClasses, the PersistentVolumeClaims and which
// workloads mount which claims, so that posture can follow a workload's
// data to the cloud disk behind it.
//
//	storageclass:NAME   kind "storageclass"  provisioner, cloud ("aws", "gcp", "azure" or ""),
//	                    encrypted (the class asks its driver to encrypt: "true"/"false"; absent
//	                    for drivers FC-K8S-212 does not judge), unencrypted (FC-K8S-212's reason),
//	                    kmsKey (kmsKeyId, disk-encryption-kms-key or diskEncryptionSetID)
//	pvc:NS/NAME         kind "pvc"           class → storageclass, in → namespace; storageClass
//	workload            claims → pvc (pod volumes; a StatefulSet's volumeClaimTemplates give
//	                    pvc:NS/TEMPLATE-STATEFULSET-* claims of their own)

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// classCloud names the cloud whose disks a provisioner creates.
func classCloud(provisioner string) string {
	switch provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs":
		return "aws"
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd":
		return "gcp"
	case "disk.csi.azure.com", "kubernetes.io/azure-disk", "file.csi.azure.com", "kubernetes.io/azure-file":
		return "azure"
	}
	return ""
}

func (b *assetBuilder) storageClass(o *Object, sc *storagev1.StorageClass) {
	a := b.add("storageclass:"+sc.Name, "storageclass", sc.Name, finding.LayerCluster, o.Resource(), o.Location(""))
	a.Attrs["provisioner"] = sc.Provisioner
	a.Attrs["cloud"] = classCloud(sc.Provisioner)
	switch sc.Provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs", "rbd.csi.ceph.com", "driver.longhorn.io":
		v, _ := classParam(sc, "encrypted")
		a.Attrs["encrypted"] = boolAttr(strings.EqualFold(strings.TrimSpace(v), "true"))
	}
	if why := unencryptedClass(sc); why != "" {
		a.Attrs["unencrypted"] = why
	}
	for _, k := range []string{"kmsKeyId", "disk-encryption-kms-key", "diskEncryptionSetID"} {
		if v, _ := classParam(sc, k); strings.TrimSpace(v) != "" {
			a.Attrs["kmsKey"] = strings.TrimSpace(v)
			break
		}
	}
}

func (b *assetBuilder) claim(o *Object, pvc *corev1.PersistentVolumeClaim) {
	a := b.add("pvc:"+nsName(o.Namespace, o.Name), "pvc", nsName(o.Namespace, o.Name), finding.LayerCluster, o.Resource(), o.Location(""))
	a.Attrs["namespace"] = o.Namespace
	if sc := claimClass(b.set, pvc); sc != nil {
		a.Attrs["storageClass"] = sc.Name
		edge(a, "class", "storageclass:"+sc.Name)
	}
	edge(a, "in", namespaceID(o.Namespace))
}

// claims links a workload to the claims its pods mount, and a StatefulSet
// to the claims its volumeClaimTemplates create.
func (b *assetBuilder) claims(w *Workload) {
	a := b.byID[WorkloadAssetID(w)]
	if a == nil {
		return
	}
	ns := w.Object.Namespace
	for _, v := range w.PodSpec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName != "" {
			edge(a, "claims", "pvc:"+nsName(ns, v.PersistentVolumeClaim.ClaimName))
		}
	}
	sts, ok := w.Typed.(*appsv1.StatefulSet)
	if !ok {
		return
	}
	for i := range sts.Spec.VolumeClaimTemplates {
		t := &sts.Spec.VolumeClaimTemplates[i]
		name := nsName(ns, t.Name+"-"+sts.Name+"-*")
		c := b.add("pvc:"+name, "pvc", name, finding.LayerCluster, finding.Resource{Kind: "PersistentVolumeClaim", Name: name}, w.Location(""))
		c.Attrs["namespace"] = ns
		if sc := claimClass(b.set, t); sc != nil {
			c.Attrs["storageClass"] = sc.Name
			edge(c, "class", "storageclass:"+sc.Name)
		}
		edge(a, "claims", c.ID)
	}
}
