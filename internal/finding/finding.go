// Package finding is fourc's shared vocabulary: what was found, where, how
// bad it is and in which of the four layers of defence (Code, Container,
// Cluster, Cloud). It imports only the standard library so that every other
// package can depend on it.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Finding is one problem found by one check on one resource.
type Finding struct {
	// CheckID is the stable, hand-assigned ID of the check that fired.
	CheckID string `json:"check_id"`
	// Title is the check's one-line title.
	Title string `json:"title"`
	// Severity is how bad the problem is on its own. For a vulnerability it
	// is the effective severity (see [Vulnerability]); every gate reads it.
	Severity Severity `json:"severity"`
	// Layer is the layer of defence the problem weakens.
	Layer Layer `json:"layer"`
	// Resource names the thing that has the problem.
	Resource Resource `json:"resource"`
	// Location points at the source of the problem.
	Location Location `json:"location"`
	// Message says precisely what is wrong with this resource.
	Message string `json:"message"`
	// Remediation says in one sentence how to fix it.
	Remediation string `json:"remediation,omitempty"`
	// References point to standards and further reading.
	References []Reference `json:"references,omitempty"`
	// Fingerprint identifies the finding across scans; baselines and
	// suppressions carry it. See [Finding.ComputeFingerprint].
	Fingerprint string `json:"fingerprint"`
	// Vulnerability is set on findings about a known vulnerability of a
	// package; nil otherwise.
	Vulnerability *Vulnerability `json:"vulnerability,omitempty"`
	// Occurrences counts the identical findings (same fingerprint and
	// location) the scan reached through different paths and reported as
	// this one; zero or one means once. See [Dedup].
	Occurrences int `json:"occurrences,omitempty"`
}

// Resource names the object a finding is about: a file, a package, a
// Dockerfile stage, a Kubernetes object, a cloud resource.
type Resource struct {
	// Kind is the resource's type, e.g. "Deployment", "aws_s3_bucket",
	// "Dockerfile", "file", "go-module".
	Kind string `json:"kind"`
	// Name is the resource's name, e.g. "shop/api" or "aws_s3_bucket.logs".
	Name string `json:"name"`
}

// String returns "Kind/Name", or the part that is set.
func (r Resource) String() string {
	switch {
	case r.Kind == "":
		return r.Name
	case r.Name == "":
		return r.Kind
	}
	return r.Kind + "/" + r.Name
}

// Location is where a finding was seen: a file and line for sources, an
// object reference for live systems (clusters, registries, buckets).
type Location struct {
	// Path is the file's path relative to the scan root, in slash form.
	Path string `json:"path,omitempty"`
	// StartLine and EndLine are 1-based; zero when unknown.
	StartLine int `json:"start_line,omitempty"`
	EndLine   int `json:"end_line,omitempty"`
	// Object is a reference to a live object (e.g. "namespaces/shop/pods/api")
	// or to a part of a file that has no line (e.g. an image layer digest).
	Object string `json:"object,omitempty"`
}

// String formats the location as "path:line", "path", or the object.
func (l Location) String() string {
	var b strings.Builder
	b.WriteString(l.Path)
	if l.Path != "" && l.StartLine > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(l.StartLine))
	}
	if l.Object != "" {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(l.Object)
	}
	return b.String()
}

// Reference is a pointer to a standard or document that backs a check.
type Reference struct {
	// Source is the standard, e.g. "CIS Kubernetes 5.2.2", "PSS baseline",
	// "CWE-798", "NSA/CISA Kubernetes Hardening".
	Source string `json:"source"`
	// URL is optional.
	URL string `json:"url,omitempty"`
}

// ComputeFingerprint returns a stable identifier built from the check, the
// resource, the file and a discriminator the scanner chooses (for example a
// redacted secret's hash). Line numbers are left out on purpose so that a
// finding keeps its fingerprint when unrelated lines move.
func (f *Finding) ComputeFingerprint(discriminator string) string {
	h := sha256.New()
	for _, s := range []string{f.CheckID, f.Resource.Kind, f.Resource.Name, f.Location.Path, f.Location.Object, discriminator} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Skipped records an input the scan could not use and why. A skipped input
// never stops a scan; it is reported beside the findings.
type Skipped struct {
	// Path is the input's path (or object reference).
	Path string `json:"path"`
	// Scanner is the scanner that gave up on it.
	Scanner string `json:"scanner"`
	// Reason is a one-line, human-readable cause.
	Reason string `json:"reason"`
}

// String formats the skipped input for a person.
func (s Skipped) String() string {
	return fmt.Sprintf("%s (%s): %s", s.Path, s.Scanner, s.Reason)
}

// Suppressed is a finding that an ignore entry, inline comment or VEX
// statement silenced, and by what.
type Suppressed struct {
	Finding Finding `json:"finding"`
	// By names the suppression, e.g. ".fourcignore.yaml:12" or
	// "inline comment Dockerfile:3".
	By string `json:"by"`
	// Reason is the reason or justification the user gave, if any.
	Reason string `json:"reason,omitempty"`
}
