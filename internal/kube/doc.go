// Package kube audits Kubernetes objects, the workloads part of fourc's
// Cluster layer: Pod Security Standards (exactly as
// k8s.io/pod-security-admission evaluates them), fourc's own workload
// checks, RBAC, and network and namespace guardrails.
//
// Everything works on one object model that manifests and live clusters
// both feed: [Load] decodes manifest files into typed k8s.io/api objects
// ([Object]) that remember the line of every field; [NewObject] wraps
// objects read from a cluster. [NewSet] indexes the objects of one scan
// unit ([Set]) and normalises everything that runs pods into a [Workload]
// (pod template metadata and spec, plus the template's field path), whose
// [Workload.Containers] visits init, regular and ephemeral containers.
// Checks are pure functions over Workloads, Objects and [Namespace] views;
// [Scanner.Evaluate] runs them all over a Set.
//
// The checks, by ID area:
//
//   - FC-K8S-1xx: one check per Pod Security Standards control, decided by
//     the upstream policy package (HIGH for baseline, MEDIUM for
//     restricted). Privileged containers, runAsNonRoot, unset seccomp and
//     capabilities not dropping ALL are these controls, not separate checks.
//   - FC-K8S-0xx: workload hygiene the standards do not cover: sensitive
//     host paths, dangerous capabilities, resources, read-only root
//     filesystem, service account tokens, secrets and credentials in the
//     environment, image pinning and pull policy, probes, the default
//     namespace, sandboxed runtimes in untrusted namespaces.
//   - FC-RBAC-0xx: Roles, ClusterRoles and their bindings.
//   - FC-NET-0xx: Services, NetworkPolicies, Ingresses and namespace
//     guardrails (Pod Security labels and whether the workloads meet them).
//
// As an engine scanner, every manifest under one top-level directory of
// the scan root is one unit, so cross-object checks (a namespace without
// NetworkPolicy, a Service exposing a workload, bindings of the default
// service account) see an application's manifests together.
package kube
