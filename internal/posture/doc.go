// Package posture correlates what the four layers saw into one picture of
// a system's defence in depth.
//
// [Build] joins the scanners' assets (workloads, images, Dockerfiles,
// service accounts, Services, NetworkPolicies, namespaces) and the
// findings into one [Graph]: source code and its packages → the Dockerfile
// that copies them → the image it builds → the workloads that run it →
// their service accounts and RBAC, the Services and Ingresses that expose
// them, the NetworkPolicies that isolate them and their namespace → the
// cloud resources the infrastructure code declares. Every node carries the
// findings about it.
//
// [Analyze] walks the graph for attack paths (toxic combinations of
// findings across layers, built in and user-defined with CEL), gives every
// finding a priority (P1…P4) from its severity and its context, scores
// each layer and the whole from 0 to 100, and rows up, per workload, which
// layers protect it and which are open. docs/posture.md documents every
// rule and formula.
package posture
