package kube

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// newCatalogue lists every check of the package, explicitly. ev may be nil
// when only the metadata is needed.
func newCatalogue(opts Options, ev *pssEvaluator) catalogue {
	workloads := []check.Check[*Workload]{
		checkSensitiveHostPath(),
		checkDangerousCapabilities(),
		checkResourceLimits(),
		checkResourceRequests(),
		checkReadOnlyRootFilesystem(),
		checkServiceAccountToken(),
		checkSecretEnv(),
		checkCredentialEnv(),
		checkImageDigest(),
		checkImageLatest(),
		checkImagePullPolicy(),
		checkLivenessProbe(),
		checkReadinessProbe(),
		checkDefaultNamespace(),
		checkUntrustedRuntimeClass(opts.UntrustedNamespaceLabel),
		checkNamespaceLevel(ev),
		checkNamespaceAuditWarnLevel(ev),
		checkUnselectedWorkload(),
		checkSharedVolumeGroup(),
	}
	workloads = append(workloads, pssChecks(ev)...)
	return catalogue{
		workloads: workloads,
		objects: []check.Check[*Object]{
			checkRBACWildcard(),
			checkRBACSecrets(),
			checkRBACEscalation(),
			checkRBACExec(),
			checkRBACCreateWorkloads(),
			checkRBACNodeProxy(),
			checkRBACClusterAdmin(),
			checkRBACPublicGroups(),
			checkRBACDefaultServiceAccount(),
			checkRBACTokenCreation(),
			checkServiceExposure(),
			checkNetworkPolicyAllowAll(),
			checkIngressTLS(),
			checkServiceExternalIPs(),
			checkResourceQuotaScope(),
			checkClaimAccessMode(),
			checkStorageClassEncryption(),
			checkStorageClassCustomerKey(),
			checkPersistentVolumeHostPath(),
			checkRuntimeClassHandler(opts.RuntimeHandlers),
		},
		namespaces: []check.Check[*Namespace]{
			checkNamespaceNetworkPolicy(),
			checkNamespaceDefaultDeny(),
			checkNamespacePSALabel(),
			checkNamespaceDefaultDenyEgress(),
			checkNamespaceResourceQuota(),
			checkNamespaceLimitRange(),
		},
	}
}

// meta fills in the layer every check of this package shares.
func meta(id, title string, sev finding.Severity, description, remediation string, refs ...finding.Reference) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCluster,
		description,
		remediation,
		refs...,
	)
}

func ref(source string) finding.Reference { return finding.Reference{Source: source} }

func refNSA() finding.Reference {
	return finding.Reference{
		Source: "NSA/CISA Kubernetes Hardening Guide",
		URL:    "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
	}
}
