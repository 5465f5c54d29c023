// Package clustertest tests package audit end to end: against the audit
// log of a real kube-apiserver (internal/testenv) and through the
// cross-layer graph of package posture. It holds only tests; they live
// apart from package audit's own so that the fuzz targets there run in a
// small test binary (coverage-guided fuzzing slows down with every
// instrumented package the binary links).
package clustertest
