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
// As an engine scanner, every manifest under one top-level directory of
// the scan root is one unit, so cross-object checks (a namespace without
// NetworkPolicy, a Service exposing a workload, bindings of the default
// service account) see an application's manifests together.
package kube
