package probe

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

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

func ref(s string) finding.Reference { return finding.Reference{Source: s} }

func cis(versions, number string) finding.Reference {
	return finding.Reference{Source: "CIS Kubernetes Benchmark " + versions + " " + number, URL: "https://www.cisecurity.org/benchmark/kubernetes"}
}

// The probe checks, by ID.
var (
	metaExpired = meta("FC-TLS-001", "Endpoint serves an expired or not yet valid certificate", finding.SeverityHigh,
		"Clients that verify certificates refuse an expired one, and clients that keep working have stopped verifying, so anyone on the path can impersonate the component.",
		"Renew the certificate (kubeadm certs renew, or the component's certificate rotation) and restart the component.", ref("CWE-298"))
	metaExpiring = meta("FC-TLS-002", "Endpoint certificate expires soon", finding.SeverityMedium,
		"A certificate that expires within 30 days will break the component's clients unless it is renewed in time.",
		"Renew the certificate now and automate renewal (kubelet rotation, cert-manager, kubeadm certs renew).", ref("CWE-298"))
	metaUntrusted = meta("FC-TLS-003", "Endpoint certificate is self-signed or not issued by the cluster CA", finding.SeverityHigh,
		"A certificate clients cannot chain to a trusted CA teaches them to skip verification, which lets anyone on the path impersonate the component.",
		"Serve a certificate signed by the cluster CA (for kubelets: serverTLSBootstrap or tlsCertFile), and give clients that CA.",
		ref("CWE-295"), cis("v1.9.0–v2.0.1", "4.2.9"))
	metaHostname = meta("FC-TLS-004", "Endpoint certificate does not match its address", finding.SeverityMedium,
		"A certificate without the name or IP clients use fails hostname verification, so clients disable it or fail.",
		"Reissue the certificate with the address as a subject alternative name.", ref("CWE-297"))
	metaOldTLS = meta("FC-TLS-005", "Endpoint accepts TLS 1.0 or 1.1", finding.SeverityMedium,
		"TLS 1.0 and 1.1 are deprecated (RFC 8996) and weaker against downgrade and CBC attacks.",
		"Set --tls-min-version=VersionTLS12 (or VersionTLS13) on the component.", ref("RFC 8996"))
	metaWeakCipher = meta("FC-TLS-006", "Endpoint accepts weak TLS cipher suites", finding.SeverityMedium,
		"CBC-mode, 3DES, RC4 and RSA key-exchange suites lack forward secrecy or have practical attacks; an endpoint that negotiates them weakens its clients' connections.",
		"Set --tls-cipher-suites (tlsCipherSuites for kubelets) to ECDHE AEAD suites only.",
		cis("v1.9.0–v2.0.1", "1.2.29"), cis("v1.9.0–v2.0.1", "4.2.12"))
	metaPlainHTTP = meta("FC-TLS-007", "Endpoint serves plain HTTP", finding.SeverityHigh,
		"A component that answers plain HTTP sends its data, and accepts requests, without encryption or authentication of the server.",
		"Serve TLS only: turn off insecure ports (kubelet readOnlyPort: 0) and use https:// URLs (etcd --listen-client-urls).",
		ref("CWE-319"), cis("v1.9.0–v2.0.1", "4.2.4"), cis("v1.9.0–v2.0.1", "2.1"))
	metaWeakKey = meta("FC-TLS-008", "Endpoint certificate uses a weak key or signature", finding.SeverityMedium,
		"RSA keys under 2048 bits and SHA-1 or MD5 signatures can be broken or forged.",
		"Reissue the certificate with an RSA 2048+ or ECDSA P-256+ key and a SHA-256 signature.", ref("CWE-326"), ref("CWE-328"))
	metaAnonAuthn = meta("FC-CIS-120", "API server accepts anonymous requests (live)", finding.SeverityMedium,
		"A request without credentials was authenticated as system:anonymous and reached authorization: anonymous authentication is on, and only RBAC stands between the network and the API.",
		"Set --anonymous-auth=false on the API server.", cis("v1.7.0–v2.0.1", "1.2.1"))
	metaAnonAPI = meta("FC-CIS-121", "API server serves anonymous requests (live)", finding.SeverityCritical,
		"A request without credentials was answered with data: anyone who can reach the API server can read (and possibly change) the cluster.",
		"Set --anonymous-auth=false and --authorization-mode=Node,RBAC on the API server, and remove RBAC bindings to system:anonymous and system:unauthenticated.",
		cis("v1.7.0–v2.0.1", "1.2.1"), cis("v1.7.0–v2.0.1", "1.2.6"))
	metaAnonKubelet = meta("FC-CIS-122", "Kubelet serves anonymous requests (live)", finding.SeverityCritical,
		"The kubelet answered /pods without credentials: anyone who reaches port 10250 can list pods and, with the same authorizer, exec into their containers.",
		"Set authentication.anonymous.enabled: false and authorization.mode: Webhook in the kubelet's config.",
		cis("v1.7.0–v2.0.1", "4.2.1"), cis("v1.7.0–v2.0.1", "4.2.2"))
	metaAnonKubeletAuthn = meta("FC-CIS-123", "Kubelet accepts anonymous requests (live)", finding.SeverityMedium,
		"A request without credentials to the kubelet was authenticated as system:anonymous and denied only by authorization.",
		"Set authentication.anonymous.enabled: false in the kubelet's config.", cis("v1.7.0–v2.0.1", "4.2.1"))
	metaPlaintextObject = meta("FC-ETCD-001", "Object is stored in etcd without encryption", finding.SeverityHigh,
		"The object's value in etcd has no k8s:enc: prefix: it was written before encryption at rest was enabled, or by a provider list with identity first, and is readable by anyone with etcd, its snapshots or backups.",
		"Put a real provider first in the EncryptionConfiguration and rewrite the objects: kubectl get secrets -A -o json | kubectl replace -f -.",
		cis("v1.9.0–v2.0.1", "1.2.27"), cis("v1.9.0–v2.0.1", "1.2.28"), ref("CWE-312"))
	metaWeakProvider = meta("FC-ETCD-002", "Objects in etcd are encrypted with a weak or deprecated provider", finding.SeverityMedium,
		"aescbc is open to padding-oracle attacks, aesgcm needs a new key every 200,000 writes and kms v1 is deprecated.",
		"Move to kms v2 (or secretbox) as the first provider and rewrite the objects.",
		cis("v1.9.0–v2.0.1", "1.2.28"), ref("CWE-327"))
	metaProvider = meta("FC-ETCD-003", "Encryption at rest in use", finding.SeverityInfo,
		"How the objects of a resource are stored in etcd, read from their storage prefixes: which providers and keys encrypt them, and how many are plain.",
		"Nothing to do when every object is encrypted with kms v2 or secretbox.",
		cis("v1.9.0–v2.0.1", "1.2.28"))
	metaEtcdNoClientAuth = meta("FC-ETCD-004", "etcd answers clients without a certificate", finding.SeverityCritical,
		"etcd served a read to a client that presented no certificate: anyone who reaches its client port can read and change every object of the cluster, bypassing RBAC and audit.",
		"Serve etcd over https with --client-cert-auth=true and --trusted-ca-file.",
		cis("v1.7.0–v2.0.1", "2.1"), cis("v1.7.0–v2.0.1", "2.2"))
)

// Checks returns the catalogue of the probe checks.
func Checks() []check.Meta {
	return []check.Meta{
		metaExpired, metaExpiring, metaUntrusted, metaHostname, metaOldTLS, metaWeakCipher, metaPlainHTTP, metaWeakKey,
		metaAnonAuthn, metaAnonAPI, metaAnonKubelet, metaAnonKubeletAuthn,
		metaPlaintextObject, metaWeakProvider, metaProvider, metaEtcdNoClientAuth,
	}
}
