package audit

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// The checks' IDs. FC-RT-0NN are rules over single events (with bounded
// state for bursts); FC-RT-1NN are deviations from a learned profile.
const (
	idExec          = "FC-RT-001"
	idSecretRead    = "FC-RT-002"
	idAnonymous     = "FC-RT-003"
	idPrivilegedPod = "FC-RT-004"
	idRBACGrant     = "FC-RT-005"
	idTokenRequest  = "FC-RT-006"
	idImpersonation = "FC-RT-007"
	idUntrustedNet  = "FC-RT-008"
	idAuthBurst     = "FC-RT-009"
	idAdmission     = "FC-RT-010"
	idNewSecretRead = "FC-RT-101"
	idNewNetwork    = "FC-RT-102"
	idNewAction     = "FC-RT-103"
	idNewHour       = "FC-RT-104"
)

func mitre(technique string) finding.Reference {
	return finding.Reference{Source: "MITRE ATT&CK " + technique, URL: "https://attack.mitre.org/techniques/" + technique + "/"}
}

// Checks returns the catalogue of the audit-log checks.
func Checks() []check.Meta {
	c := finding.LayerCluster
	return []check.Meta{
		check.New(idExec, "Shell or tunnel opened into a pod (exec, attach, port-forward)", finding.SeverityHigh, c,
			"Someone ran a command in, attached to or port-forwarded into a running pod. Interactive access to production pods bypasses the deployment pipeline and is how attackers move from stolen credentials to the workload's data and service account token.",
			"Confirm the session was expected; remove pods/exec, pods/attach and pods/portforward from the roles of people and service accounts that do not need them, and use ephemeral debug containers under review instead.",
			mitre("T1609")),
		check.New(idSecretRead, "Secrets read by an unexpected subject", finding.SeverityHigh, c,
			"A user or service account read, listed or watched Secrets. Controllers of the control plane are expected to; a service account reading a Secret of its own namespace by name is expected only when the learned profile or the cluster view (its RBAC grants it) says so. Everything else is how credentials leak.",
			"Check who read which Secrets and why; narrow the RBAC rules that allow get, list or watch on secrets, preferring resourceNames.",
			mitre("T1552.007")),
		check.New(idAnonymous, "Anonymous request was allowed", finding.SeverityCritical, c,
			"A request from system:anonymous or the system:unauthenticated group succeeded on something other than the public health and discovery endpoints: anyone who reaches the API server can do the same.",
			"Remove the RoleBindings and ClusterRoleBindings that grant rights to system:anonymous or system:unauthenticated, and start the API server with --anonymous-auth=false where possible.",
			mitre("T1078")),
		check.New(idPrivilegedPod, "Privileged or host-namespace pod created", finding.SeverityHigh, c,
			"A pod (or a workload's pod template) was created or changed to run privileged, mount a hostPath, or share the node's network, PID or IPC namespace: a short step from the container to the node.",
			"Check who created it and why; enforce the baseline or restricted Pod Security level on the namespace so such pods are refused.",
			mitre("T1611")),
		check.New(idRBACGrant, "RBAC change grants cluster-admin or wildcard rights", finding.SeverityCritical, c,
			"A RoleBinding or ClusterRoleBinding to cluster-admin, or a Role or ClusterRole with a wildcard verb or resource, was created or changed: the subject now controls the cluster (or the namespace).",
			"Confirm the change was approved; bind narrow roles instead, and restrict who may create bindings (the bind and escalate verbs).",
			mitre("T1098")),
		check.New(idTokenRequest, "Token requested for another service account", finding.SeverityHigh, c,
			"A subject other than the service account itself (or the kubelet of its pod) asked the TokenRequest API for a token of that service account: it can now act as the account.",
			"Check why the token was needed; remove create on serviceaccounts/token from roles that do not need it.",
			mitre("T1528")),
		check.New(idImpersonation, "Request made through impersonation", finding.SeverityMedium, c,
			"A subject acted as another user, group or service account (the Impersonate-User header). Impersonation rights let their holder take any identity they name, including more powerful ones.",
			"Keep the impersonate verb for a few administrators and audited tools; check that the impersonated identity was expected.",
			mitre("T1134")),
		check.New(idUntrustedNet, "Service account used from an untrusted network", finding.SeverityHigh, c,
			"A service account's credentials were used from a source address outside the networks given as trusted (--trusted-networks or audit.trusted-networks): its token has probably left the cluster.",
			"Rotate the service account's tokens (delete its Secrets or restart its pods), find where the token leaked, and bind tokens to pods (projected, short-lived tokens).",
			mitre("T1550.001")),
		check.New(idAuthBurst, "Burst of failed authentication or authorization", finding.SeverityMedium, c,
			"Many requests from one source or user were refused (401 or 403) within a short window: someone is guessing credentials or probing what a stolen credential may do.",
			"Find the source; block it or revoke the credential, and check whether any request of the same subject succeeded.",
			mitre("T1110")),
		check.New(idAdmission, "Admission control configuration deleted or changed", finding.SeverityHigh, c,
			"A ValidatingWebhookConfiguration, MutatingWebhookConfiguration, ValidatingAdmissionPolicy or its binding (or a MutatingAdmissionPolicy) was deleted or modified: the guard rails that refuse insecure objects may be gone.",
			"Confirm the change was approved and restore the configuration from source control; restrict who may change admission configuration.",
			mitre("T1562.001")),
		check.New(idNewSecretRead, "Service account reads Secrets for the first time", finding.SeverityHigh, c,
			"Compared with the learned profile, a service account that never read Secrets now gets, lists or watches them.",
			"Check the workload that runs as this service account for compromise; if the new behaviour is expected, learn it into the profile.",
			mitre("T1552.007")),
		check.New(idNewNetwork, "Subject acts from a new source network", finding.SeverityMedium, c,
			"Compared with the learned profile, a user or service account sent requests from a network (/24 for IPv4, /64 for IPv6) it never used.",
			"Check where the requests came from; for a service account, a new network often means its token was copied out of the cluster.",
			mitre("T1078")),
		check.New(idNewAction, "Subject does something it never did", finding.SeverityMedium, c,
			"Compared with the learned profile, a user or service account used a verb on a resource (in a namespace) it never used, or is not in the profile at all.",
			"Check the requests; if the new behaviour is expected, learn it into the profile.",
			mitre("T1078")),
		check.New(idNewHour, "Subject active at an hour it never was", finding.SeverityLow, c,
			"Compared with the learned profile, a user or service account made requests at an hour of the day (UTC) at which it never did.",
			"Check that the activity was expected; learn profiles over at least a week so daily and weekly rhythms are in them.",
			mitre("T1078")),
	}
}
