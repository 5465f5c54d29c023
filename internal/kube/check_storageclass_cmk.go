package kube

// FC-K8S-213 inspects provisioner and parameters of StorageClasses whose
// driver always encrypts, with the provider's keys unless the class names
// a customer-managed one:
//
//   - pd.csi.storage.gke.io and kubernetes.io/gce-pd:
//     disk-encryption-kms-key;
//   - disk.csi.azure.com and kubernetes.io/azure-disk: diskEncryptionSetID;
//   - file.csi.azure.com and kubernetes.io/azure-file: storageAccount (a
//     pre-created account, whose customer-managed key is the Cloud layer's
//     to check); Azure Files has no per-class key parameter.
//
// Parameter names are matched without regard to case.
//
// Severity LOW: the data is encrypted at rest, only the key is the
// provider's (no revocation, no separate audit trail). Trivy rates cloud
// disks without a customer-managed key LOW as well; Kubescape and
// kube-bench have no StorageClass check.

import (
	"fmt"
	"strings"

	storagev1 "k8s.io/api/storage/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// providerKeyClass returns the parameter a class would need for a
// customer-managed key, or "" when it has it or its driver is not judged.
func providerKeyClass(sc *storagev1.StorageClass) string {
	var want string
	switch sc.Provisioner {
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd":
		want = "disk-encryption-kms-key"
	case "disk.csi.azure.com", "kubernetes.io/azure-disk":
		want = "diskEncryptionSetID"
	case "file.csi.azure.com", "kubernetes.io/azure-file":
		want = "storageAccount"
	default:
		return ""
	}
	if v, _ := classParam(sc, want); strings.TrimSpace(v) != "" {
		return ""
	}
	return want
}

func checkStorageClassCustomerKey() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-K8S-213", "StorageClass encrypts volumes with the provider's keys only", finding.SeverityLow,
			"GCE persistent disks and Azure disks and files are always encrypted at rest, but without a customer-managed key the provider holds the key: the data cannot be made unreadable by revoking it and key use leaves no audit trail of your own. Trivy rates cloud disks without a customer-managed key LOW, as fourc does.",
			"Name a customer-managed key in the class: disk-encryption-kms-key (GCE PD), diskEncryptionSetID (Azure Disk), or a storageAccount encrypted with your key (Azure Files).",
			refNSA()),
		Eval: func(o *Object) []check.Violation {
			sc, ok := o.Typed.(*storagev1.StorageClass)
			if !ok {
				return nil
			}
			want := providerKeyClass(sc)
			if want == "" {
				return nil
			}
			return []check.Violation{{
				Message: fmt.Sprintf("%s (provisioner %s) sets no %s: its volumes are encrypted with the provider's key", o, sc.Provisioner, want),
				Field:   "parameters",
			}}
		},
	}
}
