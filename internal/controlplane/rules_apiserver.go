package controlplane

import (
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Strong TLS cipher suites the benchmark allows for the API server
// (v1.9.0 onwards; the CBC, 3DES and RSA key-exchange suites are gone).
const apiServerCiphers = "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256," +
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384," +
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256," +
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384," +
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"

// v18 numbers an API server recommendation as v1.7.0 and v1.8.0 did:
// SecurityContextDeny sat at 1.2.12 there, so every later item of 1.2 is
// one higher than in v1.9.0 and newer.
func v18(number string) map[string]string {
	i := strings.LastIndex(number, ".")
	n, _ := strconv.Atoi(number[i+1:])
	old := number[:i+1] + strconv.Itoa(n+1)
	return map[string]string{"cis-1.7": old, "cis-1.8": old}
}

var refAPIServerFlags = finding.Reference{
	Source: "Kubernetes kube-apiserver reference",
	URL:    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
}

func apiServerRules() []Rule {
	api := []Component{APIServer}
	edit := "Edit the API server's static pod manifest (/etc/kubernetes/manifests/kube-apiserver.yaml) and "
	return []Rule{
		{
			ID: "FC-CIS-001", CIS: "1.2.1", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server accepts anonymous requests",
			Description: "With anonymous authentication on, requests without credentials reach the authorizer as system:anonymous; any RBAC binding to that user or system:unauthenticated opens the API to the network.",
			Remediation: edit + "set --anonymous-auth=false (or restrict anonymous access to health endpoints with an AuthenticationConfiguration).",
			Flag:        "anonymous-auth", Default: "true", Op: MustEqual, Want: "false",
		},
		{
			ID: "FC-CIS-002", CIS: "1.2.2", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server authenticates static tokens",
			Description: "Static token files hold long-lived bearer tokens in clear text that cannot be rotated or revoked without restarting the API server.",
			Remediation: edit + "remove --token-auth-file; use client certificates, OIDC or service-account tokens instead.",
			Flag:        "token-auth-file", Op: MustNotBeSet,
		},
		{
			ID: "FC-CIS-003", CIS: "1.2.3", Components: api, Severity: finding.SeverityLow,
			Title:       "Services may claim arbitrary external IPs",
			Description: "Without the DenyServiceExternalIPs admission plugin anyone who can create a Service can set externalIPs and intercept traffic for addresses they do not own (CVE-2020-8554).",
			Remediation: edit + "add DenyServiceExternalIPs to --enable-admission-plugins.",
			Flag:        "enable-admission-plugins", Op: MustInclude, Want: "DenyServiceExternalIPs",
			Refs: []finding.Reference{{Source: "CVE-2020-8554"}},
		},
		{
			ID: "FC-CIS-004", CIS: "1.2.4", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server has no client certificate for kubelets",
			Description: "Without a client certificate the API server cannot authenticate to kubelets, so kubelets must accept unauthenticated requests for exec, logs and port-forward.",
			Remediation: edit + "set --kubelet-client-certificate and --kubelet-client-key.",
			Flag:        "kubelet-client-certificate", With: []string{"kubelet-client-key"}, Op: MustBeSet,
		},
		{
			ID: "FC-CIS-005", CIS: "1.2.5", Components: api, Severity: finding.SeverityMedium,
			Title:       "API server does not verify kubelet certificates",
			Description: "Without --kubelet-certificate-authority the API server trusts any certificate a kubelet endpoint presents, so a node impersonator can receive exec sessions and logs.",
			Remediation: edit + "set --kubelet-certificate-authority to the CA that signs kubelet serving certificates.",
			Flag:        "kubelet-certificate-authority", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-006", CIS: "1.2.6", Components: api, Severity: finding.SeverityCritical,
			Title:       "API server authorizes every request",
			Description: "The AlwaysAllow authorizer (the default when no mode is set) lets every authenticated, and with anonymous auth every anonymous, request do anything in the cluster.",
			Remediation: edit + "set --authorization-mode=Node,RBAC.",
			Flag:        "authorization-mode", Default: "AlwaysAllow", Op: MustExclude, Want: "AlwaysAllow",
		},
		{
			ID: "FC-CIS-007", CIS: "1.2.7", Components: api, Severity: finding.SeverityMedium,
			Title:       "API server does not use the Node authorizer",
			Description: "Without the Node authorizer kubelets need broad RBAC rights, so one compromised node can read every Secret in the cluster.",
			Remediation: edit + "include Node in --authorization-mode (--authorization-mode=Node,RBAC).",
			Flag:        "authorization-mode", Default: "AlwaysAllow", Op: MustInclude, Want: "Node",
		},
		{
			ID: "FC-CIS-008", CIS: "1.2.8", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server does not use RBAC",
			Description: "Without the RBAC authorizer permissions cannot be scoped per user, group and namespace.",
			Remediation: edit + "include RBAC in --authorization-mode (--authorization-mode=Node,RBAC).",
			Flag:        "authorization-mode", Default: "AlwaysAllow", Op: MustInclude, Want: "RBAC",
		},
		{
			ID: "FC-CIS-009", CIS: "1.2.9", Components: api, Severity: finding.SeverityLow,
			Title:       "API server does not rate-limit events",
			Description: "Without the EventRateLimit admission plugin a noisy or malicious client can flood the API server and etcd with Events.",
			Remediation: edit + "add EventRateLimit to --enable-admission-plugins and configure it with --admission-control-config-file.",
			Flag:        "enable-admission-plugins", Op: MustInclude, Want: "EventRateLimit",
		},
		{
			ID: "FC-CIS-010", CIS: "1.2.10", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server admits every request",
			Description: "The AlwaysAdmit admission plugin turns off admission control, including the plugins that enforce security policy.",
			Remediation: edit + "remove AlwaysAdmit from --enable-admission-plugins.",
			Flag:        "enable-admission-plugins", Op: MustExclude, Want: "AlwaysAdmit",
		},
		{
			ID: "FC-CIS-011", CIS: "1.2.11", Components: api, Severity: finding.SeverityLow,
			Title:       "Pods may use images cached on the node without credentials",
			Description: "Without AlwaysPullImages a pod can run a private image another tenant pulled onto the node, without having the pull secret for it.",
			Remediation: edit + "add AlwaysPullImages to --enable-admission-plugins (or enable the KubeletEnsureSecretPulledImages feature).",
			Flag:        "enable-admission-plugins", Op: MustInclude, Want: "AlwaysPullImages",
		},
		{
			ID: "FC-CIS-012", CIS: "1.2.12", Numbers: v18("1.2.12"), Components: api, Severity: finding.SeverityMedium,
			Title:       "ServiceAccount admission plugin is disabled",
			Description: "The ServiceAccount admission plugin assigns service accounts and their token volumes; without it pods may run with unintended identities.",
			Remediation: edit + "remove ServiceAccount from --disable-admission-plugins.",
			Flag:        "disable-admission-plugins", Op: MustExclude, Want: "ServiceAccount",
		},
		{
			ID: "FC-CIS-013", CIS: "1.2.13", Numbers: v18("1.2.13"), Components: api, Severity: finding.SeverityMedium,
			Title:       "NamespaceLifecycle admission plugin is disabled",
			Description: "Without NamespaceLifecycle objects can be created in namespaces being deleted or that do not exist, and system namespaces can be deleted.",
			Remediation: edit + "remove NamespaceLifecycle from --disable-admission-plugins.",
			Flag:        "disable-admission-plugins", Op: MustExclude, Want: "NamespaceLifecycle",
		},
		{
			ID: "FC-CIS-014", CIS: "1.2.14", Numbers: v18("1.2.14"), Components: api, Severity: finding.SeverityMedium,
			Title:       "Kubelets may modify any node or pod",
			Description: "Without the NodeRestriction admission plugin a kubelet's credentials can change other nodes' objects and labels, so one node can steer workloads onto itself.",
			Remediation: edit + "add NodeRestriction to --enable-admission-plugins.",
			Flag:        "enable-admission-plugins", Op: MustInclude, Want: "NodeRestriction",
		},
		{
			ID: "FC-CIS-015", CIS: "1.2.15", Numbers: v18("1.2.15"), Components: api, Severity: finding.SeverityLow,
			Title:       "API server exposes profiling endpoints",
			Description: "The /debug/pprof endpoints reveal internals of the program and can be used to exhaust its resources.",
			Remediation: edit + "set --profiling=false.",
			Flag:        "profiling", Default: "true", Op: MustEqual, Want: "false",
		},
		{
			ID: "FC-CIS-016", CIS: "1.2.16", Numbers: v18("1.2.16"), Components: api, Severity: finding.SeverityMedium,
			Title:       "API server writes no audit log",
			Description: "Without an audit log there is no record of who read Secrets, exec'd into pods or changed RBAC, so an intrusion cannot be traced.",
			Remediation: edit + "set --audit-log-path (and --audit-policy-file).",
			Flag:        "audit-log-path", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-017", CIS: "1.2.17", Numbers: v18("1.2.17"), Components: api, Severity: finding.SeverityLow,
			Title:       "Audit logs are kept for less than 30 days",
			Description: "Intrusions are often found weeks later; audit logs deleted sooner cannot show what happened.",
			Remediation: edit + "set --audit-log-maxage=30 or more (or ship the log to longer-lived storage).",
			Flag:        "audit-log-maxage", Op: MustBeAtLeast, Want: "30",
		},
		{
			ID: "FC-CIS-018", CIS: "1.2.18", Numbers: v18("1.2.18"), Components: api, Severity: finding.SeverityLow,
			Title:       "Fewer than 10 audit log files are kept",
			Description: "Rotated audit logs beyond --audit-log-maxbackup are deleted, losing history during bursts of activity.",
			Remediation: edit + "set --audit-log-maxbackup=10 or more.",
			Flag:        "audit-log-maxbackup", Op: MustBeAtLeast, Want: "10",
		},
		{
			ID: "FC-CIS-019", CIS: "1.2.19", Numbers: v18("1.2.19"), Components: api, Severity: finding.SeverityLow,
			Title:       "Audit log files rotate below 100 MB",
			Description: "Small audit log files rotate quickly and, with few backups, keep only minutes of history on a busy cluster.",
			Remediation: edit + "set --audit-log-maxsize=100 or more.",
			Flag:        "audit-log-maxsize", Op: MustBeAtLeast, Want: "100",
		},
		{
			ID: "FC-CIS-020", CIS: "1.2.20", Numbers: v18("1.2.20"), Components: api, Severity: finding.SeverityLow,
			Title:       "API server request timeout is too long",
			Description: "Every open request holds API server resources; a timeout longer than five minutes (or one that does not parse) lets slow clients tie the server up. fourc accepts values up to 300s.",
			Remediation: edit + "remove --request-timeout (default 60s) or set it to 300s or less.",
			Flag:        "request-timeout", Eval: evalRequestTimeout,
		},
		{
			ID: "FC-CIS-021", CIS: "1.2.21", Numbers: v18("1.2.21"), Components: api, Severity: finding.SeverityMedium,
			Title:       "Deleted service accounts' tokens stay valid",
			Description: "With --service-account-lookup=false the API server accepts tokens of service accounts that were deleted, until the tokens expire.",
			Remediation: edit + "set --service-account-lookup=true or remove the flag.",
			Flag:        "service-account-lookup", Default: "true", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-022", CIS: "1.2.22", Numbers: v18("1.2.22"), Components: api, Severity: finding.SeverityMedium,
			Title:       "API server has no service-account verification key",
			Description: "Without --service-account-key-file the API server verifies service-account tokens with its TLS key, so rotating the serving certificate invalidates every token and the keys cannot be managed apart.",
			Remediation: edit + "set --service-account-key-file to the public key(s) matching the controller manager's --service-account-private-key-file.",
			Flag:        "service-account-key-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-023", CIS: "1.2.23", Numbers: v18("1.2.23"), Components: api, Severity: finding.SeverityHigh,
			Title:       "API server has no client certificate for etcd",
			Description: "Without a client certificate the API server cannot authenticate to etcd, so etcd must accept unauthenticated clients that can read and change every object, Secrets included.",
			Remediation: edit + "set --etcd-certfile and --etcd-keyfile and turn on client-certificate auth in etcd.",
			Flag:        "etcd-certfile", With: []string{"etcd-keyfile"}, Op: MustBeSet,
		},
		{
			ID: "FC-CIS-024", CIS: "1.2.24", Numbers: v18("1.2.24"), Components: api, Severity: finding.SeverityHigh,
			Title:       "API server has no configured serving certificate",
			Description: "Without --tls-cert-file and --tls-private-key-file the API server serves a self-signed certificate that clients cannot verify, inviting them to skip verification.",
			Remediation: edit + "set --tls-cert-file and --tls-private-key-file to a certificate signed by the cluster CA.",
			Flag:        "tls-cert-file", With: []string{"tls-private-key-file"}, Op: MustBeSet,
		},
		{
			ID: "FC-CIS-025", CIS: "1.2.25", Numbers: v18("1.2.25"), Components: api, Severity: finding.SeverityHigh,
			Title:       "API server does not authenticate client certificates",
			Description: "Without --client-ca-file the API server cannot authenticate components and administrators by certificate.",
			Remediation: edit + "set --client-ca-file to the cluster CA.",
			Flag:        "client-ca-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-026", CIS: "1.2.26", Numbers: v18("1.2.26"), Components: api, Severity: finding.SeverityHigh,
			Title:       "API server does not verify etcd's certificate",
			Description: "Without --etcd-cafile the API server cannot verify etcd, so a man in the middle can serve it forged objects or read everything it stores.",
			Remediation: edit + "set --etcd-cafile to the CA of etcd's serving certificates.",
			Flag:        "etcd-cafile", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-027", CIS: "1.2.27", Numbers: v18("1.2.27"), Components: api, Severity: finding.SeverityHigh,
			Title:       "Secrets are not encrypted at rest",
			Description: "Without an encryption configuration every Secret is stored in etcd, its snapshots and backups as plain text.",
			Remediation: edit + "set --encryption-provider-config to an EncryptionConfiguration whose first provider for secrets is kms (v2), secretbox or aescbc.",
			Flag:        "encryption-provider-config", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-028", CIS: "1.2.28", Numbers: v18("1.2.28"), Components: api, Severity: finding.SeverityHigh,
			Title:       "Encryption configuration stores Secrets in plain text",
			Description: "The first provider of a resource in the EncryptionConfiguration encrypts every write; with identity first, or with secrets not listed at all, Secrets are written in clear text even though encryption appears configured.",
			Remediation: "Put a kms (apiVersion v2), secretbox or aescbc provider first for secrets in the EncryptionConfiguration, keep identity last, then rewrite existing Secrets (kubectl get secrets -A -o json | kubectl replace -f -).",
			Flag:        "encryption-provider-config", Eval: evalEncryptionPlaintext,
		},
		{
			ID: "FC-CIS-029", CIS: "1.2.28", Numbers: v18("1.2.28"), Components: api, Severity: finding.SeverityMedium,
			Title:       "Secrets are encrypted with a weak or deprecated provider",
			Description: "aescbc is open to padding-oracle attacks, aesgcm needs a new key every 200,000 writes and kms v1 is deprecated; Kubernetes recommends kms v2 (or secretbox).",
			Remediation: "Switch the first provider for secrets to kms with apiVersion v2 (or secretbox), restart the API server and rewrite existing Secrets.",
			Flag:        "encryption-provider-config", Eval: evalEncryptionWeak,
			Refs: []finding.Reference{{Source: "Kubernetes: Encrypting Confidential Data at Rest", URL: "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"}},
		},
		{
			ID: "FC-CIS-030", CIS: "1.2.29", Numbers: v18("1.2.29"), Components: api, Severity: finding.SeverityMedium,
			Title:       "API server accepts weak TLS cipher suites",
			Description: "Without an explicit list the API server accepts Go's defaults, which include CBC-mode suites; a listed CBC, 3DES or RSA key-exchange suite weakens every connection that negotiates it.",
			Remediation: edit + "set --tls-cipher-suites to AEAD ECDHE suites only, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.",
			Flag:        "tls-cipher-suites", Op: MustBeSubsetOf, Want: apiServerCiphers,
		},
		{
			ID: "FC-CIS-031", CIS: "1.2.30", Since: "cis-1.11", Components: api, Severity: finding.SeverityLow,
			Title:       "Service-account tokens are extended beyond their expiry",
			Description: "With --service-account-extend-token-expiration (the default) projected tokens stay valid for a year to ease migration, so a leaked token lives far longer than its stated lifetime.",
			Remediation: edit + "set --service-account-extend-token-expiration=false.",
			Flag:        "service-account-extend-token-expiration", Default: "true", Op: MustEqual, Want: "false",
		},
		{
			ID: "FC-CIS-032", CIS: "3.2.1", Components: api, Severity: finding.SeverityMedium,
			Title:       "API server has no audit policy",
			Description: "Without --audit-policy-file the API server records no audit events, whatever the log settings say.",
			Remediation: edit + "set --audit-policy-file to a Policy that logs at least Metadata for all requests and RequestResponse for Secrets, RBAC and pods/exec.",
			Flag:        "audit-policy-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-033", Components: []Component{APIServer, ControllerManager, Scheduler, Kubelet, Etcd}, Severity: finding.SeverityMedium,
			Title:       "Component accepts TLS older than 1.2",
			Description: "TLS 1.0 and 1.1 have known weaknesses (BEAST, SHA-1 handshakes) and are deprecated by RFC 8996; a component that accepts them lets a downgraded client connect.",
			Remediation: "Remove --tls-min-version (the default is TLS 1.2) or set it to VersionTLS12 or VersionTLS13 (etcd: TLS1.2 or TLS1.3; kubelet config: tlsMinVersion).",
			Flag:        "tls-min-version", Key: "tlsMinVersion", Eval: evalTLSMinVersion,
			Refs: []finding.Reference{{Source: "RFC 8996"}, refAPIServerFlags},
		},
		{
			ID: "FC-CIS-034", Components: api, Severity: finding.SeverityMedium,
			Title:       "OIDC or JWT authentication is not configured safely",
			Description: "An OIDC issuer must be reached over https, and a JWT authenticator must name the audience (client ID) it accepts, or tokens minted for other applications are accepted.",
			Remediation: "Use an https:// --oidc-issuer-url with --oidc-client-id, or give every jwt issuer in the AuthenticationConfiguration an https url and audiences.",
			Flag:        "oidc-issuer-url", Eval: evalOIDC,
			Refs: []finding.Reference{{Source: "Kubernetes: Authenticating with OpenID Connect tokens", URL: "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#openid-connect-tokens"}},
		},
		{
			ID: "FC-CIS-035", Components: api, Severity: finding.SeverityHigh,
			Title:       "Authentication, authorization or audit webhook is not verified",
			Description: "A webhook kubeconfig with an http:// server or insecure-skip-tls-verify lets anyone on the path answer the API server's authentication or authorization questions, or read its audit events.",
			Remediation: "Give every webhook kubeconfig an https:// server and a certificate-authority (or certificate-authority-data), and remove insecure-skip-tls-verify.",
			Flag:        "authentication-token-webhook-config-file", Eval: evalWebhooks,
			Refs: []finding.Reference{{Source: "CWE-295"}, {Source: "Kubernetes: Webhook Token Authentication", URL: "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#webhook-token-authentication"}},
		},
		{
			ID: "FC-CIS-036", Components: api, Severity: finding.SeverityHigh,
			Title:       "API server talks to etcd over plain HTTP",
			Description: "An http:// etcd server carries every object, Secrets included, unencrypted and unauthenticated between the API server and etcd.",
			Remediation: edit + "use https:// URLs in --etcd-servers, with --etcd-cafile, --etcd-certfile and --etcd-keyfile.",
			Flag:        "etcd-servers", Eval: evalEtcdServers,
			Refs: []finding.Reference{cisRef("v1.9.0–v2.0.1", "1.2.23"), {Source: "CWE-319"}},
		},
	}
}
