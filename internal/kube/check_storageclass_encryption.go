package kube

// FC-K8S-212 inspects provisioner and parameters of StorageClasses whose
// driver leaves volumes unencrypted unless asked:
//
//   - ebs.csi.aws.com and the in-tree kubernetes.io/aws-ebs: parameter
//     encrypted must be "true";
//   - rbd.csi.ceph.com: encrypted must be "true";
//   - driver.longhorn.io: encrypted must be "true";
//   - csi.vsphere.vmware.com: storagepolicyname must name a storage policy
//     (encryption is a property of the policy, which the scan cannot see;
//     without one the datastore's default applies).
//
// Parameter names are matched without regard to case, as the drivers do.
// Other provisioners are not judged.
//
// Severity MEDIUM. Trivy rates an unencrypted EBS volume HIGH, as fourc's
// own FC-AWS-020 does; Kubescape and kube-bench have no StorageClass check.
// fourc deliberately rates the class one step lower: the disk behind it is
// the Cloud layer's, and an account that enables encryption by default
// (aws_ebs_encryption_by_default) encrypts the class's volumes anyway.

import (
	"fmt"
	"strings"

	storagev1 "k8s.io/api/storage/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// classParam returns a StorageClass parameter by case-insensitive name.
func classParam(sc *storagev1.StorageClass, name string) (string, bool) {
	for k, v := range sc.Parameters {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// unencryptedClass returns why a class provisions unencrypted volumes, or
// "" when it encrypts them or its driver is not judged.
func unencryptedClass(sc *storagev1.StorageClass) string {
	switch sc.Provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs", "rbd.csi.ceph.com", "driver.longhorn.io":
		if v, _ := classParam(sc, "encrypted"); !strings.EqualFold(strings.TrimSpace(v), "true") {
			return `parameter encrypted is not "true"`
		}
	case "csi.vsphere.vmware.com":
		if v, _ := classParam(sc, "storagepolicyname"); strings.TrimSpace(v) == "" {
			return "no storagepolicyname names an (encrypting) storage policy"
		}
	}
	return ""
}

func checkStorageClassEncryption() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-K8S-212", "StorageClass provisions unencrypted volumes", finding.SeverityMedium,
			"Volumes of this class are written to disk in clear text: whoever gets a snapshot, a detached disk or the storage backend reads the data. AWS EBS, Ceph RBD and Longhorn encrypt only when the class asks; vSphere through a storage policy. Trivy rates an unencrypted EBS volume HIGH; fourc rates the class MEDIUM because account-wide default encryption, which manifests cannot show, may still cover its volumes.",
			"Set the driver's encryption parameter (encrypted: \"true\", with a kmsKeyId or encryptionKMSID where the driver takes one) or name an encrypting vSphere storage policy; recreate the volumes already provisioned.",
			refNSA(), ref("CIS Kubernetes 5.7 (general policies: encrypt storage at rest)")),
		Eval: func(o *Object) []check.Violation {
			sc, ok := o.Typed.(*storagev1.StorageClass)
			if !ok {
				return nil
			}
			why := unencryptedClass(sc)
			if why == "" {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s (provisioner %s) creates unencrypted volumes: %s", o, sc.Provisioner, why),
				Field:   "parameters",
			}}
		},
	}
}
