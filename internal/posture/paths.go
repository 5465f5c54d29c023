package posture

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Path is an attack path: a chain of weaknesses, across layers, that
// together let an attacker go further than any one of them alone.
type Path struct {
	// ID is unique in a result and stable between runs: the rule and the
	// node the path is anchored on, e.g.
	// "FC-PATH-001:workload:shop/Deployment/api".
	ID string `json:"id"`
	// Rule is the ID of the rule that found it (FC-PATH-NNN for built-in
	// rules, the user's ID for custom ones).
	Rule     string           `json:"rule"`
	Title    string           `json:"title"`
	Severity finding.Severity `json:"severity"`
	// Summary tells the story in one or two sentences.
	Summary string `json:"summary"`
	// Layers are the layers the path crosses, from the inside out.
	Layers []finding.Layer `json:"layers"`
	// Steps are the chain, in the order an attacker walks it (for some
	// rules: the order the artefact travels, code to cluster).
	Steps []Step `json:"steps"`
	// Remediation says where to break the chain most cheaply.
	Remediation string `json:"remediation"`
}

// Step is one link of an attack path.
type Step struct {
	// Node is the graph node's ID.
	Node  string        `json:"node"`
	Kind  string        `json:"kind"`
	Name  string        `json:"name"`
	Layer finding.Layer `json:"layer"`
	// Text explains what this link contributes.
	Text string `json:"text"`
	// Findings are the findings on this link that make the path.
	Findings []FindingRef `json:"findings,omitempty"`
}

// FindingRef points to a finding of the report.
type FindingRef struct {
	CheckID     string           `json:"check_id"`
	Severity    finding.Severity `json:"severity"`
	Fingerprint string           `json:"fingerprint"`
	Message     string           `json:"message"`
}

func refsOf(fs []finding.Finding) []FindingRef {
	out := make([]FindingRef, 0, len(fs))
	for _, f := range fs {
		out = append(out, FindingRef{CheckID: f.CheckID, Severity: f.Severity, Fingerprint: f.Fingerprint, Message: f.Message})
	}
	return out
}

func pick(fs []finding.Finding, keep func(finding.Finding) bool) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

func checks(ids ...string) func(finding.Finding) bool {
	return func(f finding.Finding) bool { return slices.Contains(ids, f.CheckID) }
}

func step(n *Node, text string, fs []finding.Finding) Step {
	return Step{Node: n.ID, Kind: n.Kind, Name: n.Name, Layer: n.Layer, Text: text, Findings: refsOf(fs)}
}

// newPath fills in the ID and the layers of a path.
func newPath(rule, anchor, title string, sev finding.Severity, summary, fix string, steps []Step) Path {
	var layers []finding.Layer
	for _, s := range steps {
		if s.Layer.Valid() && !slices.Contains(layers, s.Layer) {
			layers = append(layers, s.Layer)
		}
	}
	slices.Sort(layers)
	return Path{ID: rule + ":" + anchor, Rule: rule, Title: title, Severity: sev, Summary: summary, Layers: layers, Steps: steps, Remediation: fix}
}

// BuiltinRule describes one of the attack-path rules fourc ships.
type BuiltinRule struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Severity    finding.Severity `json:"severity"`
	Description string           `json:"description"`
	// Layer is the layer of the node the path is anchored on (a workload:
	// Cluster; a cluster and its backups: Cloud).
	Layer finding.Layer `json:"layer"`
	// Remediation says where to break the chain most cheaply.
	Remediation string `json:"remediation"`
}

// builtinRule is a built-in rule and the function that finds its paths.
type builtinRule struct {
	BuiltinRule
	find func(v *view, m BuiltinRule) []Path
}

// builtins is the catalogue of built-in rules, in ID order.
func builtins() []builtinRule {
	return []builtinRule{
		{BuiltinRule{"FC-PATH-001", "Internet-exposed workload runs vulnerable code that is reached", finding.SeverityCritical,
			"A Service or Ingress exposes the workload to the internet, and the image it runs ships code with a critical or high vulnerability whose code is called (or whose reachability is unknown). A called vulnerability of UNKNOWN severity counts as high: Go's advisories carry no CVSS score.",
			finding.LayerCluster, "Upgrade the vulnerable packages to their fixed versions; until then, take the workload off the internet or put a filtering proxy in front of it."},
			exposedVulnerable},
		{BuiltinRule{"FC-PATH-002", "Internet-exposed workload can read secrets or administer the cluster", finding.SeverityCritical,
			"The workload is exposed to the internet, mounts its service account token, and that account can read secrets or is bound to cluster-admin: one remote code execution becomes every credential of the namespace or the cluster. When the API server's audit log shows exec, attach or port-forward into its pods (FC-RT-001 with a cluster view), that runtime evidence is a step of the path.",
			finding.LayerCluster, "Give the workload a service account without these permissions (or set automountServiceAccountToken: false), and keep cluster-admin for people, not pods."},
			exposedPowerful},
		{BuiltinRule{"FC-PATH-003", "Privileged or host-namespace workload without a NetworkPolicy", finding.SeverityHigh,
			"The workload runs privileged or shares the node's network, PID or IPC namespace, and no NetworkPolicy limits who can connect to it: any pod of the cluster can reach a door to the node.",
			finding.LayerCluster, "Drop privileged and the host namespaces from the pod spec; add a default-deny NetworkPolicy to the namespace and allow only the traffic the workload needs."},
			privilegedOpen},
		{BuiltinRule{"FC-PATH-004", "Image with a secret baked in runs in the cluster", finding.SeverityHigh,
			"A secret sits in the Dockerfile or in the code it copies, so it is in the image a workload runs: anyone who can pull the image or enter the container has it.",
			finding.LayerCluster, "Rotate the secrets, remove them from the code and the Dockerfile, and give them to the workload at run time from a Kubernetes Secret or a secret manager."},
			bakedSecret},
		{BuiltinRule{"FC-PATH-005", "Vulnerable image runs in a namespace without Pod Security enforcement", finding.SeverityHigh,
			"The workload's image ships reachable critical or high vulnerabilities, and its namespace enforces no Pod Security level, so nothing stops a compromised or new pod there from running privileged.",
			finding.LayerCluster, "Upgrade the vulnerable packages, and label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline)."},
			vulnerableUnenforced},
		{BuiltinRule{"FC-PATH-006", "Cluster secrets are not encrypted and backups can be deleted", finding.SeverityHigh,
			"The Kubernetes cluster does not envelope-encrypt its secrets with a KMS key, and the backup bucket of the same deployment has no object lock: whoever reaches the backups reads the secrets in clear and can destroy the only copies.",
			finding.LayerCloud, "Turn on secrets encryption with a KMS key for the cluster, and object lock (with versioning) for the backup bucket."},
			unencryptedClusterBackups},
		{BuiltinRule{"FC-PATH-007", "Workload data on unencrypted cloud disks", finding.SeverityHigh,
			"A workload mounts a PersistentVolumeClaim of an AWS EBS StorageClass that does not ask for encryption, and the Terraform of the AWS account in the same scan does not turn on EBS encryption by default: the workload's data lies in clear text on the disks and in every snapshot of them.",
			finding.LayerCluster, "Enable aws_ebs_encryption_by_default (with aws_ebs_default_kms_key for a key of your own) in the account's Terraform, or set encrypted: \"true\" (and a kmsKeyId) on the StorageClass; then migrate the existing volumes, which stay unencrypted."},
			unencryptedDisks},
	}
}

// exposureSteps explains how a workload is reached from the internet.
func exposureSteps(v *view, w *Node) []Step {
	chains := v.exposure[w.ID]
	if len(chains) == 0 {
		return nil
	}
	var out []Step
	for _, n := range chains[0] {
		var text string
		switch n.Kind {
		case "ingress":
			text = fmt.Sprintf("Ingress %q routes requests from the internet to the Service", n.Name)
			if n.Attrs["tls"] == "false" {
				text += ", without TLS"
			}
		default:
			text = fmt.Sprintf("Service %q of type %s accepts connections from the internet", n.Name, n.Attrs["type"])
			if p := n.Attrs["ports"]; p != "" {
				text += " on port " + strings.ReplaceAll(p, ",", ", ")
			}
			text += " and forwards them to " + w.Label()
		}
		out = append(out, step(n, text, pick(n.Findings, func(f finding.Finding) bool { return f.Layer == finding.LayerCluster })))
	}
	return out
}

// vulnerableCode returns, for the images a workload runs, the packages
// with reachable serious vulnerabilities and the steps from the image down
// to them (image → Dockerfile → source → packages). It returns no steps
// when there are no such vulnerabilities.
func vulnerableCode(v *view, w *Node) (steps []Step, vulns []finding.Finding) {
	for _, b := range v.builds(w) {
		var pkgSteps []Step
		var found []finding.Finding
		for _, c := range b.code {
			if c.Kind != "package" {
				continue
			}
			fs := pick(c.Findings, reachableSerious)
			if len(fs) == 0 {
				continue
			}
			found = append(found, fs...)
			pkgSteps = append(pkgSteps, step(c, vulnText(c, fs), fs))
		}
		imgVulns := pick(b.image.Findings, reachableSerious)
		found = append(found, imgVulns...)
		if len(found) == 0 {
			continue
		}
		imgText := fmt.Sprintf("the workload runs image %q", b.image.Name)
		if len(imgVulns) > 0 {
			imgText += ", in which the image scan found " + plural(len(imgVulns), "reachable critical or high vulnerability")
		}
		steps = append(steps, step(b.image, imgText, imgVulns))
		if len(pkgSteps) > 0 {
			d := b.dockerfiles[0]
			steps = append(steps, step(d, buildText(v, d, b.image), nil))
			steps = append(steps, pkgSteps...)
		}
		vulns = append(vulns, found...)
		break
	}
	return steps, vulns
}

// vulnText explains the vulnerabilities of one package.
func vulnText(pkg *Node, fs []finding.Finding) string {
	var ids []string
	called, unknown := 0, 0
	for _, f := range fs {
		if r := Reachability(f); r == "called" {
			called++
		}
		if f.Vulnerability != nil && f.Vulnerability.BaseSeverity == finding.SeverityUnknown && f.Severity >= finding.SeverityHigh {
			unknown++
		}
		if len(ids) < 3 {
			ids = append(ids, advisoryID(f))
		}
	}
	more := ""
	if len(fs) > len(ids) {
		more = fmt.Sprintf(" and %d more", len(fs)-len(ids))
	}
	text := fmt.Sprintf("%s (in %s) has %s", pkg.Name, pkg.Location.Path, plural(len(fs), "critical or high vulnerability"))
	if called > 0 {
		text = fmt.Sprintf("%s (in %s) has %s whose vulnerable code the program calls", pkg.Name, pkg.Location.Path, plural(len(fs), "vulnerability"))
	}
	text += ": " + strings.Join(ids, ", ") + more
	if unknown > 0 {
		text += fmt.Sprintf("; %d of them have no rating of their own (Go advisories carry no CVSS score) and are HIGH because the code is called", unknown)
	}
	return text
}

// advisoryID returns the OSV ID at the start of a FC-VULN-001 message
// ("pkg@v is affected by GO-2024-3333 (…)…").
func advisoryID(f finding.Finding) string {
	if f.Vulnerability != nil {
		return f.Vulnerability.ID
	}
	if _, rest, ok := strings.Cut(f.Message, " is affected by "); ok {
		if id, _, _ := strings.Cut(rest, " "); id != "" {
			return strings.TrimSuffix(id, ":")
		}
	}
	return f.CheckID
}

// buildText explains how a Dockerfile relates to the image and the code.
func buildText(v *view, d *Node, img *Node) string {
	why := ""
	for _, e := range v.g.Out(d.ID, "builds") {
		if e.To == img.ID && e.Why != "" {
			why = " (" + e.Why + ")"
		}
	}
	text := fmt.Sprintf("%s builds the image%s", d.Name, why)
	if c := d.Attrs["copies"]; c != "" {
		text += " and copies " + strings.ReplaceAll(c, ",", ", ") + " from the build context into it"
	}
	return text
}

func exposedVulnerable(v *view, m BuiltinRule) []Path {
	var out []Path
	for _, w := range v.workloads {
		if !v.exposed(w) {
			continue
		}
		code, vulns := vulnerableCode(v, w)
		if len(vulns) == 0 {
			continue
		}
		steps := exposureSteps(v, w)
		steps = append(steps, step(w, fmt.Sprintf("%s runs the image and answers those connections", w.Label()), pick(w.Findings, serious)))
		steps = append(steps, code...)
		summary := fmt.Sprintf("%s is reachable from the internet and runs code with %s (%s).",
			w.Label(), plural(len(vulns), "reachable critical or high vulnerability"), advisoryID(vulns[0]))
		out = append(out, newPath(m.ID, w.ID, m.Title, m.Severity, summary, m.Remediation, steps))
	}
	return out
}

// runtimeExec is the audit-log check of exec, attach and port-forward
// into a pod (package audit), which names the pod's workload when it
// knows the cluster: evidence that the code execution an exposed
// powerful workload invites has happened.
const runtimeExec = "FC-RT-001"

func exposedPowerful(v *view, m BuiltinRule) []Path {
	var out []Path
	for _, w := range v.workloads {
		sa := v.sa[w.ID]
		if !v.exposed(w) || sa == nil || w.Attrs["token"] == "false" {
			continue
		}
		admin, secrets := sa.Attrs["clusterAdmin"] == "true", sa.Attrs["readSecrets"] == "true"
		if !admin && !secrets {
			continue
		}
		sev, power := finding.SeverityHigh, "can read secrets"
		if admin {
			sev, power = finding.SeverityCritical, "is bound to cluster-admin: full control of the cluster"
		}
		steps := exposureSteps(v, w)
		steps = append(steps, step(w, fmt.Sprintf("%s mounts the API token of service account %q in its pods", w.Label(), sa.Name), pick(w.Findings, checks("FC-K8S-006"))))
		runtime := pick(w.Findings, checks(runtimeExec))
		if len(runtime) > 0 {
			steps = append(steps, step(w, "the API server's audit log shows shells or tunnels opened into its pods (exec, attach, port-forward): the code execution this path needs has been seen", runtime))
		}
		text := fmt.Sprintf("service account %q %s", sa.Name, power)
		if via := sa.Attrs["via"]; via != "" {
			text += " through " + via
		}
		steps = append(steps, step(sa, text, sa.Findings))
		for _, bnd := range v.bindings[sa.ID] {
			if bnd.Attrs["clusterAdmin"] == "true" || bnd.Attrs["readSecrets"] == "true" {
				steps = append(steps, step(bnd, fmt.Sprintf("%s grants %s", bnd.Label(), bnd.Attrs["role"]), bnd.Findings))
			}
		}
		if ns := v.ns[w.ID]; ns != nil {
			if c := v.cluster[ns.ID]; c != nil {
				if enc := pick(c.Findings, checks("FC-AWS-041", "FC-GCP-004")); len(enc) > 0 {
					steps = append(steps, step(c, fmt.Sprintf("cluster %s stores those secrets without KMS envelope encryption", c.Name), enc))
				}
			}
		}
		summary := fmt.Sprintf("%s is reachable from the internet and its service account %s; code execution in the pod is enough to use it.", w.Label(), power)
		if len(runtime) > 0 {
			summary += " The audit log shows someone already ran commands in its pods."
		}
		out = append(out, newPath(m.ID, w.ID, m.Title, sev, summary, m.Remediation, steps))
	}
	return out
}

func privilegedOpen(v *view, m BuiltinRule) []Path {
	var out []Path
	for _, w := range v.workloads {
		if !hostAccess(w) || v.isolated(w) {
			continue
		}
		var what []string
		for _, k := range []struct{ attr, text string }{
			{"privileged", "privileged"},
			{"hostNetwork", "the node's network namespace (hostNetwork)"},
			{"hostPID", "the node's process namespace (hostPID)"},
			{"hostIPC", "the node's IPC namespace (hostIPC)"},
		} {
			if w.Attrs[k.attr] == "true" {
				what = append(what, k.text)
			}
		}
		var steps []Step
		ns := v.ns[w.ID]
		if ns != nil {
			steps = append(steps, step(ns, fmt.Sprintf("no NetworkPolicy in namespace %q governs connections to %s, so every pod of the cluster can reach it", ns.Name, w.Label()),
				pick(ns.Findings, checks("FC-NET-002", "FC-NET-004"))))
		}
		steps = append(steps, exposureSteps(v, w)...)
		hostFindings := pick(w.Findings, checks("FC-K8S-001", "FC-K8S-002", "FC-K8S-101", "FC-K8S-102", "FC-K8S-103", "FC-K8S-104", "FC-K8S-105"))
		steps = append(steps, step(w, fmt.Sprintf("%s runs %s: escaping the container gives the node", w.Label(), joinAnd(what)), hostFindings))
		if ns != nil {
			if c := v.cluster[ns.ID]; c != nil {
				if fs := pick(c.Findings, serious); len(fs) > 0 {
					steps = append(steps, step(c, fmt.Sprintf("from the node, the attacker stands inside cluster %s, whose own configuration is weak", c.Name), fs))
				}
			}
		}
		sev := m.Severity
		if v.exposed(w) {
			sev = finding.SeverityCritical
		}
		summary := fmt.Sprintf("%s runs %s, and no NetworkPolicy limits who can connect to it.", w.Label(), joinAnd(what))
		out = append(out, newPath(m.ID, w.ID, m.Title, sev, summary, m.Remediation, steps))
	}
	return out
}

func bakedSecret(v *view, m BuiltinRule) []Path {
	var out []Path
	for _, w := range v.workloads {
		for _, b := range v.builds(w) {
			var steps []Step
			var inCode int
			for _, c := range b.code {
				if c.Kind == "package" {
					continue
				}
				if fs := pick(c.Findings, isSecret); len(fs) > 0 {
					steps = append(steps, step(c, fmt.Sprintf("%s holds %s", c.Name, plural(len(fs), "hard-coded secret")), fs))
					inCode += len(fs)
				}
			}
			var d *Node
			var dfs []finding.Finding
			for _, cand := range b.dockerfiles {
				if fs := pick(cand.Findings, isSecret); len(fs) > 0 {
					d, dfs = cand, fs
					break
				}
			}
			if d == nil && len(steps) > 0 && len(b.dockerfiles) > 0 {
				d = b.dockerfiles[0]
			}
			// Secrets the scan of the image itself found in its layers
			// and configuration (`fourc scan --image`).
			ifs := pick(b.image.Findings, isSecret)
			if d == nil && len(ifs) == 0 {
				continue
			}
			if d != nil {
				text := buildText(v, d, b.image)
				if len(dfs) > 0 {
					text += "; the Dockerfile itself bakes in " + plural(len(dfs), "secret")
				}
				steps = append(steps, step(d, text, dfs))
			}
			itext := fmt.Sprintf("image %s carries them in its layers", imageText(b.image))
			if len(ifs) > 0 {
				itext = fmt.Sprintf("the scan of image %s found %s in its layers and configuration", imageText(b.image), plural(len(ifs), "secret"))
			}
			steps = append(steps, step(b.image, itext, ifs))
			wtext := fmt.Sprintf("%s runs the image", w.Label())
			if v.exposed(w) {
				wtext += " and is reachable from the internet"
			}
			steps = append(steps, step(w, wtext, nil))
			sev := m.Severity
			if v.exposed(w) {
				sev = finding.SeverityCritical
			}
			var from []string
			if inCode > 0 {
				from = append(from, plural(inCode, "secret")+" from the code "+d.Name+" copies")
			}
			if len(dfs) > 0 {
				from = append(from, plural(len(dfs), "secret")+" written in "+d.Name)
			}
			if len(ifs) > 0 {
				from = append(from, plural(len(ifs), "secret")+" its own scan found")
			}
			summary := fmt.Sprintf("Image %s, which %s runs, carries %s.", imageText(b.image), w.Label(), joinAnd(from))
			out = append(out, newPath(m.ID, w.ID+"|"+b.image.ID, m.Title, sev, summary, m.Remediation, steps))
		}
	}
	return out
}

func vulnerableUnenforced(v *view, m BuiltinRule) []Path {
	var out []Path
	for _, w := range v.workloads {
		ns := v.ns[w.ID]
		if ns == nil || ns.Attrs["declared"] != "true" {
			continue
		}
		if lvl := ns.Attrs["psaEnforce"]; lvl != "" && lvl != "privileged" {
			continue
		}
		code, vulns := vulnerableCode(v, w)
		if len(vulns) == 0 {
			continue
		}
		var steps []Step
		for i := len(code) - 1; i >= 0; i-- { // code first: the artefact's way into the cluster
			steps = append(steps, code[i])
		}
		steps = append(steps, step(w, fmt.Sprintf("%s runs the image in namespace %q", w.Label(), ns.Name), nil))
		text := fmt.Sprintf("namespace %q enforces no Pod Security level", ns.Name)
		if ns.Attrs["psaEnforce"] == "privileged" {
			text = fmt.Sprintf("namespace %q enforces only the privileged Pod Security level", ns.Name)
		}
		steps = append(steps, step(ns, text+", so a compromised pod can start privileged pods beside it", pick(ns.Findings, checks("FC-NET-006"))))
		summary := fmt.Sprintf("%s runs code with %s in namespace %q, which enforces no Pod Security level.", w.Label(), plural(len(vulns), "reachable critical or high vulnerability"), ns.Name)
		out = append(out, newPath(m.ID, w.ID, m.Title, m.Severity, summary, m.Remediation, steps))
	}
	return out
}

func unencryptedClusterBackups(v *view, m BuiltinRule) []Path {
	var out []Path
	buckets := v.g.NodesOf("bucket")
	for _, c := range v.g.NodesOf("cluster") {
		enc := pick(c.Findings, checks("FC-AWS-041", "FC-GCP-004"))
		if len(enc) == 0 {
			continue
		}
		for _, b := range buckets {
			lock := pick(b.Findings, checks("FC-AWS-005"))
			if len(lock) == 0 || b.Attrs["deployment"] != c.Attrs["deployment"] {
				continue
			}
			more := pick(b.Findings, checks("FC-AWS-001", "FC-AWS-002", "FC-AWS-003", "FC-AWS-004"))
			steps := []Step{
				step(c, fmt.Sprintf("cluster %s keeps its Kubernetes secrets in etcd without KMS envelope encryption, so every copy of etcd holds them readable", c.Name), enc),
				step(b, fmt.Sprintf("bucket %s, declared beside the cluster in %s, holds backups and has no object lock: they can be read and then deleted or overwritten", b.Name, b.Attrs["deployment"]), append(lock, more...)),
			}
			summary := fmt.Sprintf("Cluster %s does not encrypt its secrets with KMS and backup bucket %s has no object lock.", c.Name, b.Name)
			out = append(out, newPath(m.ID, c.ID+"|"+b.ID, m.Title, m.Severity, summary, m.Remediation, steps))
		}
	}
	return out
}

// sortPaths orders paths worst first, then by ID.
func sortPaths(ps []Path) {
	slices.SortFunc(ps, func(a, b Path) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.ID, b.ID))
	})
}

// pathCounts formats "3 attack paths (2 critical)".
func pathCounts(ps []Path) string {
	crit := 0
	for _, p := range ps {
		if p.Severity == finding.SeverityCritical {
			crit++
		}
	}
	s := strconv.Itoa(len(ps)) + " attack path"
	if len(ps) != 1 {
		s += "s"
	}
	if crit > 0 {
		s += fmt.Sprintf(" (%d critical)", crit)
	}
	return s
}

// plural formats "1 secret" or "3 secrets" ("vulnerability" becomes
// "vulnerabilities").
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if s, ok := strings.CutSuffix(noun, "y"); ok {
		return strconv.Itoa(n) + " " + s + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
