// Package admission is fourc's validating admission webhook: the API
// server sends it every Pod, workload (Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob), Service, Role, ClusterRole, RoleBinding,
// ClusterRoleBinding and Namespace to be created or updated, and it
// answers with fourc scan's own judgement of that object: the shared
// Kubernetes checks of internal/kube (Pod Security Standards, workload
// hygiene, RBAC through internal/rbac, network guardrails) and the
// attack-path rules of internal/posture, built in and the policy's own.
// Nothing is checked twice or differently: [kube.Scanner.EvaluateObject]
// runs the checks on the object in the context an informer cache gives
// (its Namespace, the namespace's NetworkPolicies and ServiceAccounts).
//
// # Modes
//
// Each namespace has a mode: the label fourc.dev/admission on the
// Namespace (read from the cache, never fetched per request), else the
// policy's entry for the namespace, else the policy's default mode.
// Cluster-scoped objects (ClusterRoles and their bindings) take the
// default mode; a Namespace takes the mode its own new labels give.
//
//   - enforce: a violation denies the request; the message names every
//     violated check's ID, title, severity and fix.
//   - warn: the request is allowed with admission warnings (as Pod
//     Security Admission gives them); kubectl prints them.
//   - audit: the request is allowed and the violations recorded: a
//     structured log line, fourc_admission_violations_total, and the audit
//     annotations violations and mode.
//   - off: the object is not evaluated.
//
// An invalid label value is logged and the policy's mode applies, so a
// typo never switches enforcement off.
//
// # Admission policy
//
// The policy file is a subset of fourc.yaml. It reads the top-level keys
// fail-on and admission, and the sections kubernetes (version,
// untrusted-namespace-label) and posture (rules); any other top-level key
// is an error naming its line, so that a typo never weakens the policy.
//
//	fail-on: high              # findings at or above this are violations (default high)
//	kubernetes:
//	  version: "1.33"          # Pod Security Standards version (default: the cluster's)
//	admission:
//	  mode: warn               # default mode: enforce, warn, audit or off (default warn)
//	  namespaces:              # per-namespace modes: a name or a glob; exact names first,
//	    kube-system: off       # then the longest matching glob
//	    "prod-*": enforce
//	  checks:
//	    only: ["FC-K8S-1*", "FC-RBAC-*"]   # judge only these check IDs (globs)
//	    never: [FC-K8S-009]                # never these
//	  exemptions:              # ignore entries: id + resource glob + expiry
//	    - id: FC-K8S-101
//	      resource: "Deployment/payments/legacy-*"   # Kind/namespace/name, path.Match globs
//	      expires: 2027-01-31  # last day it applies; after it the exemption is logged and stops
//	      reason: vendor image needs root until the 4.x upgrade
//	posture:
//	  rules: []                # attack-path rules, as in fourc.yaml
//
// Exemptions are parsed by internal/ignore ([ignore.ParseEntries]) and
// match as ignore entries do; "path", "fingerprint" and "package" do not
// apply to admission and are errors. A Pod created from generateName is
// named by its prefix ("Pod/shop/web-7d9f-"). The file is re-read when it
// changes; one that no longer parses is logged, counted in
// fourc_admission_policy_reloads_total{result="error"} and the previous
// policy stays in force.
//
// # Failures and budgets
//
// One evaluation has a time budget (--timeout, default 2s). When it is
// exceeded, or the evaluation fails (an object that does not decode), the
// failure policy answers: open allows with a warning, closed denies; in
// warn and audit namespaces a failure never denies. Each is counted in
// fourc_admission_failures_total. An AdmissionReview body is at most
// [MaxReviewBytes]; a larger or malformed one gets HTTP 400.
//
// # Endpoints
//
// The TLS listener serves /validate, /healthz and /readyz (ready once the
// informers have synced and the certificate is loaded); the certificate
// (tls.crt, tls.key) is re-read when it is rotated. /metrics is served on
// its own plain-HTTP listener.
package admission
