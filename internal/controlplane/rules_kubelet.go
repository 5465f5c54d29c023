package controlplane

import "github.com/fourc-dev/fourc/internal/finding"

// Strong TLS cipher suites the benchmark allows for the kubelet.
const kubeletCiphers = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256," +
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384," +
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384," +
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256," +
	"TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256"

var refKubeletConfig = finding.Reference{
	Source: "Kubernetes KubeletConfiguration (v1beta1)",
	URL:    "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/",
}

func kubeletRules() []Rule {
	kl := []Component{Kubelet}
	edit := "In the kubelet's config file (/var/lib/kubelet/config.yaml) "
	restart := ", remove any overriding flag from the kubelet's unit, and restart the kubelet."
	return []Rule{
		{
			ID: "FC-CIS-060", CIS: "4.2.1", Components: kl, Severity: finding.SeverityHigh,
			Title:       "Kubelet accepts anonymous requests",
			Description: "An anonymous request to the kubelet's port 10250 is authorized as system:anonymous; with a permissive authorizer it can list pods, read logs and run commands in containers.",
			Remediation: edit + "set authentication.anonymous.enabled: false (flag --anonymous-auth=false)" + restart,
			Flag:        "anonymous-auth", Key: "authentication.anonymous.enabled", Default: "true", ConfigDefault: "false",
			Op: MustEqual, Want: "false", Refs: []finding.Reference{refKubeletConfig},
		},
		{
			ID: "FC-CIS-061", CIS: "4.2.2", Components: kl, Severity: finding.SeverityCritical,
			Title:       "Kubelet authorizes every request",
			Description: "With authorization mode AlwaysAllow (the flag default) anyone who can authenticate to the kubelet, or anyone at all with anonymous auth, can exec into every container on the node.",
			Remediation: edit + "set authorization.mode: Webhook (flag --authorization-mode=Webhook)" + restart,
			Flag:        "authorization-mode", Key: "authorization.mode", Default: "AlwaysAllow", ConfigDefault: "Webhook",
			Op: MustExclude, Want: "AlwaysAllow", Refs: []finding.Reference{refKubeletConfig},
		},
		{
			ID: "FC-CIS-062", CIS: "4.2.3", Components: kl, Severity: finding.SeverityHigh,
			Title:       "Kubelet does not authenticate client certificates",
			Description: "Without a client CA the kubelet cannot authenticate the API server or other callers by certificate.",
			Remediation: edit + "set authentication.x509.clientCAFile to the cluster CA (flag --client-ca-file)" + restart,
			Flag:        "client-ca-file", Key: "authentication.x509.clientCAFile", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-063", CIS: "4.2.4", Components: kl, Severity: finding.SeverityMedium,
			Title:       "Kubelet serves its read-only port",
			Description: "The read-only port (10255, the flag default) serves pod specs, node details and metrics over plain HTTP with no authentication at all.",
			Remediation: edit + "set readOnlyPort: 0 (flag --read-only-port=0)" + restart,
			Flag:        "read-only-port", Key: "readOnlyPort", Default: "10255", ConfigDefault: "0", Op: MustEqual, Want: "0",
		},
		{
			ID: "FC-CIS-064", CIS: "4.2.5", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet streaming connections never time out",
			Description: "streamingConnectionIdleTimeout 0 keeps idle exec, attach and port-forward sessions open forever, leaving abandoned shells usable and exhausting the node.",
			Remediation: edit + "set streamingConnectionIdleTimeout to a duration such as 5m (flag --streaming-connection-idle-timeout)" + restart,
			Flag:        "streaming-connection-idle-timeout", Key: "streamingConnectionIdleTimeout", Eval: evalStreamingTimeout,
		},
		{
			ID: "FC-CIS-065", CIS: "4.2.6", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet does not manage its iptables chains",
			Description: "With makeIPTablesUtilChains false the kubelet does not keep the chains that drop martian packets and mark traffic, leaving node networking inconsistent with the cluster's rules.",
			Remediation: edit + "set makeIPTablesUtilChains: true or remove it (flag --make-iptables-util-chains)" + restart,
			Flag:        "make-iptables-util-chains", Key: "makeIPTablesUtilChains", Default: "true", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-066", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet does not protect kernel defaults",
			Description: "With protectKernelDefaults false the kubelet silently changes kernel parameters it disagrees with instead of refusing to start, so node hardening can be undone. CIS v1.24 and earlier numbered this 4.2.6; later versions dropped it.",
			Remediation: edit + "set protectKernelDefaults: true after setting the kernel parameters the kubelet needs (vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1)" + restart,
			Flag:        "protect-kernel-defaults", Key: "protectKernelDefaults", Default: "false", Op: MustEqual, Want: "true",
			Refs: []finding.Reference{{Source: "CIS Kubernetes Benchmark v1.6.0–v1.24.0 4.2.6"}, refKubeletConfig},
		},
		{
			ID: "FC-CIS-067", CIS: "4.2.7", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet overrides its host name",
			Description: "--hostname-override makes the node name differ from the host name, which breaks the TLS verification between API server and kubelet.",
			Remediation: "Remove --hostname-override from the kubelet's unit and restart the kubelet.",
			Flag:        "hostname-override", Op: MustNotBeSet,
		},
		{
			ID: "FC-CIS-068", CIS: "4.2.8", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet creates events without a rate limit",
			Description: "eventRecordQPS 0 turns off the kubelet's limit on event creation, so a crash-looping pod can flood the API server and etcd with events. fourc fails 0 and negative values; the default is 50.",
			Remediation: edit + "set eventRecordQPS to a positive value such as 50 (flag --event-qps)" + restart,
			Flag:        "event-qps", Key: "eventRecordQPS", Eval: evalEventQPS,
		},
		{
			ID: "FC-CIS-069", CIS: "4.2.9", Components: kl, Severity: finding.SeverityLow,
			Title:       "Kubelet serves a self-signed certificate",
			Description: "Without tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap, the kubelet generates a self-signed serving certificate that the API server cannot verify.",
			Remediation: edit + "set serverTLSBootstrap: true (and approve the CSRs), or tlsCertFile and tlsPrivateKeyFile" + restart,
			Flag:        "tls-cert-file", Key: "tlsCertFile", Eval: evalKubeletServingCert,
		},
		{
			ID: "FC-CIS-070", CIS: "4.2.10", Components: kl, Severity: finding.SeverityMedium,
			Title:       "Kubelet does not rotate its client certificate",
			Description: "With rotateCertificates off (the default) the kubelet's client certificate is never renewed: it expires and the node drops out, or it is issued long-lived.",
			Remediation: edit + "set rotateCertificates: true (flag --rotate-certificates)" + restart,
			Flag:        "rotate-certificates", Key: "rotateCertificates", Default: "false", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-071", CIS: "4.2.11", Components: kl, Severity: finding.SeverityMedium,
			Title:       "Kubelet serving certificate rotation is turned off",
			Description: "With the RotateKubeletServerCertificate feature gate off the kubelet cannot request a cluster-signed serving certificate.",
			Remediation: edit + "remove RotateKubeletServerCertificate: false from featureGates (flag --feature-gates)" + restart,
			Flag:        "feature-gates", Key: "featureGates", Op: MustExclude, Want: "RotateKubeletServerCertificate=false",
		},
		{
			ID: "FC-CIS-072", CIS: "4.2.12", Components: kl, Severity: finding.SeverityMedium,
			Title:       "Kubelet accepts weak TLS cipher suites",
			Description: "Without an explicit list the kubelet accepts Go's defaults, which include CBC-mode suites.",
			Remediation: edit + "set tlsCipherSuites to AEAD ECDHE suites only (flag --tls-cipher-suites)" + restart,
			Flag:        "tls-cipher-suites", Key: "tlsCipherSuites", Op: MustBeSubsetOf, Want: kubeletCiphers,
		},
		{
			ID: "FC-CIS-073", CIS: "4.2.13", Since: "cis-1.9", Components: kl, Severity: finding.SeverityLow,
			Title:       "Pods may start unlimited processes",
			Description: "Without podPidsLimit (default -1, unlimited) one pod's fork bomb exhausts the node's process IDs and takes down every pod on it.",
			Remediation: edit + "set podPidsLimit to a positive value such as 4096 (flag --pod-max-pids)" + restart,
			Flag:        "pod-max-pids", Key: "podPidsLimit", Eval: evalPodPids,
		},
		{
			ID: "FC-CIS-074", CIS: "4.2.14", Since: "cis-1.11", Components: kl, Severity: finding.SeverityLow,
			Title:       "Containers run without a seccomp profile by default",
			Description: "Without seccompDefault containers that set no profile run Unconfined, with every system call available to an attacker.",
			Remediation: edit + "set seccompDefault: true (flag --seccomp-default)" + restart,
			Flag:        "seccomp-default", Key: "seccompDefault", Default: "false", Op: MustEqual, Want: "true",
		},
	}
}
