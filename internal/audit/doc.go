// Package audit analyses Kubernetes API server audit logs: the checks
// FC-RT-001 to 010 over single events (with bounded windowed state for
// bursts), the user's CEL rules over one event, and the deviations
// FC-RT-101 to 104 from a learned [Profile] of normal behaviour.
//
// Input is streamed: [Inputs] expands files, folders of rotated logs
// (oldest first, gzip or not) and "-"; [Read] decodes one line at a time
// with [Decode], a single-pass decoder into the API server's own
// k8s.io/apiserver/pkg/apis/audit/v1 types that skips what no rule reads;
// [Follow] tails a growing file like tail -F. An [Analyzer] aggregates
// findings per check, subject and object for a report ([Analyzer.Observe],
// [Analyzer.Findings]) or emits them as they happen ([Analyzer.Stream]).
// With a [ClusterView] (manifests or a live snapshot) pods are mapped to
// their workloads so runtime findings join the cross-layer graph of
// package posture. The model and the rules are documented in
// docs/runtime.md.
package audit
