package operator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/posture"
)

// Image scan states, as a WorkloadReport shows them.
const (
	imageScanned = "scanned"
	imagePending = "pending"
	imageFailed  = "failed"
)

// imageResult is what the scan of one image found.
type imageResult struct {
	// Digest is the manifest digest scanned.
	Digest   string
	Findings []finding.Finding
	// Err says why the scan failed; empty when it did not.
	Err string
}

// imageLookup returns the scan result of an image reference, if any.
type imageLookup func(ref string) (*imageResult, bool)

// workloadResult is the report one workload should have.
type workloadResult struct {
	report types.NamespacedName
	ref    WorkloadRef
	uid    types.UID
	status built
	images []ImageStatus
	// input is the hash of what the report was computed from.
	input string
}

// analysis is one evaluation of the whole cluster.
type analysis struct {
	cluster   built
	posture   ClusterPostureStatus
	workloads map[types.NamespacedName]*workloadResult
	// images are the references the workloads run, sorted; digests the
	// digests running Pods report for them.
	images  []string
	digests map[string]string
	// findings are every finding, for the metrics.
	findings []finding.Finding
}

// analyze runs the checks `fourc k8s` runs on a snapshot, adds the image
// scans known, and computes the posture (attack paths and scores) and
// every workload's report.
func analyze(snap *cluster.Snapshot, kopts kube.Options, lookup imageLookup, prev map[types.NamespacedName]*workloadResult) *analysis {
	fs := cluster.Evaluate(snap, kopts)
	assets := cluster.Assets(snap)
	a := &analysis{workloads: map[types.NamespacedName]*workloadResult{}, digests: podDigests(snap.Set)}
	imgFindings := map[string][]finding.Finding{}
	seenDigest := map[string]bool{}
	refs := map[string]bool{}
	for _, w := range snap.Set.Workloads {
		for c := range w.Containers() {
			refs[strings.TrimSpace(c.Image)] = true
		}
	}
	delete(refs, "")
	scanned := 0
	// Scans finish while the evaluation runs: every result is looked up
	// once, so that a workload's image state and its image findings come
	// from the same result (a report "scanned" without the scan's
	// findings would be rewritten by the next evaluation).
	results := map[string]*imageResult{}
	for ref := range refs {
		a.images = append(a.images, ref)
		r, ok := lookup(ref)
		if ok {
			scanned++
			results[ref] = r
		}
		if !ok || r.Err != "" {
			continue
		}
		imgFindings[ref] = r.Findings
		if seenDigest[r.Digest] {
			continue // the same image under another name: counted once
		}
		seenDigest[r.Digest] = true
		fs = append(fs, r.Findings...)
		assets = append(assets, imageAsset(ref, r))
	}
	slices.Sort(a.images)
	finding.Sort(fs)
	a.findings = fs
	res := posture.Analyze(posture.Input{Findings: fs, Assets: assets}, posture.Options{})
	frozen := func(ref string) (*imageResult, bool) { r, ok := results[ref]; return r, ok }
	// Indexes, not copies: a large cluster has hundreds of thousands of
	// findings.
	byResource := map[finding.Resource][]int32{}
	for i, f := range fs {
		byResource[f.Resource] = append(byResource[f.Resource], int32(i))
	}
	for _, w := range snap.Set.Workloads {
		idx := byResource[w.Resource()]
		own := make([]finding.Finding, len(idx))
		for i, j := range idx {
			own[i] = fs[j]
		}
		wr := workloadReport(w, own, imgFindings, frozen, a.digests, prev)
		a.workloads[wr.report] = wr
	}
	a.posture = clusterStatus(res, fs, len(a.workloads), len(a.images))
	a.posture.ImagesScanned = scanned
	a.cluster = buildStatus(fs, res.Overall().Score)
	return a
}

// imageAsset is the graph node of a scanned image: posture merges it into
// the image node of the workloads that run ref.
func imageAsset(ref string, r *imageResult) finding.Asset {
	a := finding.Asset{ID: "image:" + ref, Kind: "image", Name: ref, Layer: finding.LayerContainer,
		Resource: finding.Resource{Kind: "image", Name: ref}, Location: finding.Location{Object: ref},
		Attrs: map[string]string{"scanned": ref, "digest": r.Digest, "source": "registry"}}
	for _, f := range r.Findings {
		a.Findings = append(a.Findings, f.Fingerprint)
	}
	return a
}

// podDigests maps the images Pods run to the digests their container
// statuses report (imageID "…@sha256:…").
func podDigests(set *kube.Set) map[string]string {
	out := map[string]string{}
	for _, o := range set.Objects {
		pod, ok := o.Typed.(*corev1.Pod)
		if !ok {
			continue
		}
		images := map[string]string{}
		for _, c := range slices.Concat(pod.Spec.InitContainers, pod.Spec.Containers) {
			images[c.Name] = c.Image
		}
		for _, st := range slices.Concat(pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses) {
			if i := strings.LastIndex(st.ImageID, "@sha256:"); i >= 0 && images[st.Name] != "" {
				out[images[st.Name]] = st.ImageID[i+1:]
			}
		}
	}
	return out
}

// workloadReport is the report of one workload: its own findings (a
// slice it may append to) and
// those of the images it runs, scored as posture scores them. When the
// previous evaluation saw the same findings and images, its report is
// reused as it is.
func workloadReport(w *kube.Workload, own []finding.Finding, imgFindings map[string][]finding.Finding, lookup imageLookup, digests map[string]string,
	prev map[types.NamespacedName]*workloadResult) *workloadResult {
	fs := own
	var images []ImageStatus
	seen := map[string]bool{}
	for c := range w.Containers() {
		ref := strings.TrimSpace(c.Image)
		if ref == "" || seen[ref] {
			continue
		}
		seen[ref] = true
		st := ImageStatus{Ref: ref, Digest: digests[ref], State: imagePending}
		if r, ok := lookup(ref); ok {
			st.Digest, st.State = r.Digest, imageScanned
			if r.Err != "" {
				st.State = imageFailed
			}
		}
		st.Counts = counts(imgFindings[ref])
		fs = append(fs, imgFindings[ref]...)
		images = append(images, st)
	}
	key := types.NamespacedName{Namespace: w.Object.Namespace, Name: reportName(w.Kind, w.Name)}
	in := inputHash(fs, images)
	if p := prev[key]; p != nil && p.input == in && p.uid == w.Meta().GetUID() {
		return p
	}
	score := posture.Analyze(posture.Input{Findings: fs}, posture.Options{}).Overall().Score
	b := buildStatus(fs, score)
	b.status.Digest = digestOf(WorkloadReportStatus{ReportStatus: b.status, Images: images})
	return &workloadResult{
		report: key,
		ref:    WorkloadRef{APIVersion: w.APIVersion, Kind: w.Kind, Name: w.Name},
		uid:    w.Meta().GetUID(),
		status: b,
		images: images,
		input:  in,
	}
}

// inputHash hashes what a workload's report is computed from: the
// findings' IDs, severities, resources and messages and the images'
// states.
func inputHash(fs []finding.Finding, images []ImageStatus) string {
	h := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%s\x00%s\x00%s\x00%s\n", f.CheckID, f.Severity, f.Layer, f.Resource, f.Message, f.Fingerprint, f.Remediation)
	}
	for _, im := range images {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%+v\n", im.Ref, im.Digest, im.State, im.Counts)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// reportName names a workload's report "<kind>-<name>", lower case; a
// name too long for an object name is cut and suffixed with a hash.
func reportName(kind, name string) string {
	n := strings.ToLower(kind) + "-" + name
	if len(n) <= 253 {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	return n[:236] + "-" + hex.EncodeToString(sum[:8])
}

// clusterStatus is the cluster-wide part of the ClusterPostureReport:
// layer scores, namespace scores and attack paths.
func clusterStatus(res *posture.Result, fs []finding.Finding, workloads, images int) ClusterPostureStatus {
	st := ClusterPostureStatus{Workloads: workloads, Images: images, Layers: layerScores(res)}
	for i, p := range res.Paths {
		if i == 100 {
			break
		}
		ap := AttackPath{ID: clip(p.ID), Rule: p.Rule, Title: clip(p.Title), Severity: p.Severity.String(),
			Summary: clip(p.Summary), Fix: clip(p.Remediation)}
		for _, l := range p.Layers {
			ap.Layers = append(ap.Layers, layerName(l))
		}
		st.AttackPaths = append(st.AttackPaths, ap)
	}
	byNS := map[string][]finding.Finding{}
	for _, f := range fs {
		if ns := namespaceOf(f); ns != "" {
			byNS[ns] = append(byNS[ns], f)
		}
	}
	for _, ns := range sortedKeys(byNS) {
		r := posture.Analyze(posture.Input{Findings: byNS[ns]}, posture.Options{})
		st.Namespaces = append(st.Namespaces, NamespaceScore{Namespace: ns, Score: r.Overall().Score, Layers: layerScores(r)})
	}
	return st
}

// layerScores lists the score of each of the four layers.
func layerScores(res *posture.Result) []LayerScore {
	var out []LayerScore
	for _, l := range finding.Layers() {
		s := res.LayerScore(l)
		out = append(out, LayerScore{Layer: l.String(), Score: s.Score, Assessed: s.Assessed})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// namespaceOf is the namespace a Cluster-layer finding is about, or "".
func namespaceOf(f finding.Finding) string {
	if f.Layer != finding.LayerCluster {
		return ""
	}
	if f.Resource.Kind == "Namespace" {
		return f.Resource.Name
	}
	ns, _, _ := strings.Cut(f.Resource.Name, "/")
	if ns == f.Resource.Name {
		return ""
	}
	return ns
}
