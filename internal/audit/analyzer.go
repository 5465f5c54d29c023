package audit

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// Defaults of [Options].
const (
	DefaultBurstThreshold = 10
	DefaultBurstWindow    = time.Minute
	DefaultFollowWindow   = 10 * time.Minute
	DefaultMaxKeys        = 100_000
	// maxEvidence is how many event IDs a finding lists.
	maxEvidence = 5
	// sweepEvery is how often (in events) expired window state is dropped.
	sweepEvery = 4096
)

// Options tune an [Analyzer]. The zero value runs the built-in rules with
// the defaults above.
type Options struct {
	// Profile, when set, turns on the FC-RT-1NN deviation checks and lets
	// FC-RT-002 accept what the profile says is normal.
	Profile *Profile
	// TrustedNetworks turns on FC-RT-008: a service account's requests
	// from anywhere else are reported.
	TrustedNetworks []netip.Prefix
	// Rules are the user's CEL rules.
	Rules *RuleSet
	// Cluster is a view of the cluster (manifests or a live snapshot): it
	// maps pods to their workloads, for the cross-layer graph, and says
	// which service accounts RBAC lets read secrets.
	Cluster *ClusterView
	// BurstThreshold refused requests (401/403) from one source or user
	// within BurstWindow make a FC-RT-009 finding.
	BurstThreshold int
	BurstWindow    time.Duration
	// FollowWindow is how long [Analyzer.Stream] stays silent about a
	// repeat of a finding it emitted (same check, subject and object).
	FollowWindow time.Duration
	// MaxKeys bounds every map of state (aggregated findings, burst
	// counters, follow de-duplication); beyond it new keys are dropped and
	// counted in a notice.
	MaxKeys int
}

// Position is where an event was read: a file (or "-") and a line.
type Position struct {
	Path string
	Line int
}

// hit is one event matching one check.
type hit struct {
	meta check.Meta
	// key tells apart findings of one check: the subject and the object.
	key string
	res finding.Resource
	// text says what happened, after the subject: `exec into pod "a/b"`.
	text    string
	subject string
}

// record aggregates the hits of one check on one key.
type record struct {
	hit
	pos         Position
	count       int
	first, last time.Time
	events      []string
}

type burst struct {
	start    time.Time
	count    int
	reported bool
}

// Analyzer runs the checks over a stream of events. It keeps bounded
// state: aggregated findings (batch), windowed burst counters and the
// de-duplication of [Analyzer.Stream]. It is not safe for concurrent use.
type Analyzer struct {
	opts    Options
	metas   map[string]check.Meta
	records map[string]*record
	bursts  map[string]*burst
	emitted map[string]time.Time
	events  int
	dropped int
	ruleErr map[string]int
	latest  time.Time
}

// New returns an analyzer.
func New(opts Options) *Analyzer {
	if opts.BurstThreshold <= 0 {
		opts.BurstThreshold = DefaultBurstThreshold
	}
	if opts.BurstWindow <= 0 {
		opts.BurstWindow = DefaultBurstWindow
	}
	if opts.FollowWindow <= 0 {
		opts.FollowWindow = DefaultFollowWindow
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	a := &Analyzer{opts: opts, metas: map[string]check.Meta{}, records: map[string]*record{},
		bursts: map[string]*burst{}, emitted: map[string]time.Time{}, ruleErr: map[string]int{}}
	for _, m := range Checks() {
		a.metas[m.ID] = m
	}
	return a
}

// completed reports whether an event is the one to analyse for its
// request: the API server writes up to three per request (received,
// started for long-running ones, complete); only the last carries the
// final response code. A request whose authentication failed is the
// exception, as kube-apiserver really logs it: one ResponseStarted event
// with code 401 and an empty user, and no ResponseComplete.
func completed(ev *auditv1.Event) bool {
	switch ev.Stage {
	case auditv1.StageRequestReceived:
		return false
	case auditv1.StageResponseStarted:
		return code(ev) == 401
	}
	return true
}

// Observe analyses one event for a batch report: hits are aggregated per
// check, subject and object, and reported by [Analyzer.Findings].
func (a *Analyzer) Observe(ev *auditv1.Event, pos Position) {
	for _, h := range a.hits(ev) {
		a.aggregate(h, ev, pos)
	}
}

// Stream analyses one event as it happens and returns the findings it
// makes now: the first hit of a check on a subject and object, then
// nothing for the same until FollowWindow has passed.
func (a *Analyzer) Stream(ev *auditv1.Event, pos Position) []finding.Finding {
	var out []finding.Finding
	at := eventTime(ev)
	for _, h := range a.hits(ev) {
		k := h.meta.ID + "\x00" + h.key
		if last, ok := a.emitted[k]; ok && at.Sub(last) < a.opts.FollowWindow {
			continue
		}
		if _, ok := a.emitted[k]; !ok && len(a.emitted) >= a.opts.MaxKeys {
			a.dropped++
			continue
		}
		a.emitted[k] = at
		r := &record{hit: h, pos: pos, count: 1, first: at, last: at, events: []string{string(ev.AuditID)}}
		out = append(out, r.finding())
	}
	return out
}

func (a *Analyzer) hits(ev *auditv1.Event) []hit {
	if !completed(ev) {
		return nil
	}
	a.events++
	if t := eventTime(ev); t.After(a.latest) {
		a.latest = t
	}
	if a.events%sweepEvery == 0 {
		a.sweep()
	}
	var hs []hit
	emit := func(id, key string, res finding.Resource, subject, text string) {
		hs = append(hs, hit{meta: a.metas[id], key: key, res: res, subject: subject, text: text})
	}
	for _, d := range detectors {
		d(a, ev, emit)
	}
	if a.opts.Profile != nil {
		a.opts.Profile.deviations(a, ev, emit)
	}
	hs = append(hs, a.opts.Rules.match(a, ev)...)
	return hs
}

// sweep drops window state that has expired.
func (a *Analyzer) sweep() {
	for k, b := range a.bursts {
		if a.latest.Sub(b.start) > a.opts.BurstWindow {
			delete(a.bursts, k)
		}
	}
	for k, t := range a.emitted {
		if a.latest.Sub(t) > a.opts.FollowWindow {
			delete(a.emitted, k)
		}
	}
}

func (a *Analyzer) aggregate(h hit, ev *auditv1.Event, pos Position) {
	k := h.meta.ID + "\x00" + h.key
	at := eventTime(ev)
	r := a.records[k]
	if r == nil {
		if len(a.records) >= a.opts.MaxKeys {
			a.dropped++
			return
		}
		r = &record{hit: h, pos: pos, first: at, last: at}
		a.records[k] = r
	}
	r.count++
	if at.Before(r.first) {
		r.first = at
	}
	if at.After(r.last) {
		r.last = at
	}
	if len(r.events) < maxEvidence {
		r.events = append(r.events, string(ev.AuditID))
	}
}

// NeedsAnnotations reports whether a rule reads the events' annotations,
// for [ReadOptions.Annotations].
func (a *Analyzer) NeedsAnnotations() bool { return a.opts.Rules.needsAnnotations() }

// Events returns how many completed requests the analyzer saw.
func (a *Analyzer) Events() int { return a.events }

// Findings returns the aggregated findings of [Analyzer.Observe], one per
// check, subject and object, sorted.
func (a *Analyzer) Findings() []finding.Finding {
	out := make([]finding.Finding, 0, len(a.records))
	for _, r := range a.records {
		out = append(out, r.finding())
	}
	finding.Sort(out)
	return out
}

// Notices returns what the run could not do completely: dropped state,
// user rules that failed to evaluate.
func (a *Analyzer) Notices() []string {
	var out []string
	if a.dropped > 0 {
		out = append(out, fmt.Sprintf("audit: %d finding(s) or counters dropped: more than %d keys of state", a.dropped, a.opts.MaxKeys))
	}
	ids := make([]string, 0, len(a.ruleErr))
	for id := range a.ruleErr {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, fmt.Sprintf("audit rule %s failed to evaluate on %d event(s)", id, a.ruleErr[id]))
	}
	return out
}

// finding turns an aggregated record into a finding. Its fingerprint
// leaves out the file and line, which change when logs rotate.
func (r *record) finding() finding.Finding {
	var b strings.Builder
	b.WriteString(r.subject)
	b.WriteString(" ")
	b.WriteString(r.text)
	if r.count > 1 {
		fmt.Fprintf(&b, " (%d times, %s to %s", r.count, stamp(r.first), stamp(r.last))
	} else {
		fmt.Fprintf(&b, " (at %s", stamp(r.first))
	}
	fmt.Fprintf(&b, "; audit events %s)", strings.Join(r.events, ", "))
	v := check.Violation{Message: b.String(), Line: r.pos.Line, Discriminator: r.key}
	f := r.meta.Finding(r.res, finding.Location{Path: r.pos.Path}, v)
	stable := f
	stable.Location = finding.Location{}
	f.Fingerprint = stable.ComputeFingerprint(r.key)
	return f
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}

// eventTime is when the API server received the request.
func eventTime(ev *auditv1.Event) time.Time {
	if !ev.RequestReceivedTimestamp.IsZero() {
		return ev.RequestReceivedTimestamp.Time
	}
	return ev.StageTimestamp.Time
}

// code is the response code, 0 when the event has none.
func code(ev *auditv1.Event) int {
	if ev.ResponseStatus == nil {
		return 0
	}
	return int(ev.ResponseStatus.Code)
}

// allowed reports whether the request succeeded.
func allowed(ev *auditv1.Event) bool {
	c := code(ev)
	return c >= 200 && c < 400
}

// subject names who made a request, with the identity they impersonated.
func subject(ev *auditv1.Event) string {
	u := ev.User.Username
	if u == "" {
		u = "unauthenticated client"
	}
	s := strconv.Quote(u)
	if ev.ImpersonatedUser != nil {
		s += " acting as " + strconv.Quote(ev.ImpersonatedUser.Username)
	}
	if ip := sourceIP(ev); ip != "" {
		s += " from " + ip
	}
	return s
}

// actor is the identity whose rights a request used: the impersonated
// user when there is one.
func actor(ev *auditv1.Event) string {
	if ev.ImpersonatedUser != nil {
		return ev.ImpersonatedUser.Username
	}
	return ev.User.Username
}

func sourceIP(ev *auditv1.Event) string {
	if len(ev.SourceIPs) > 0 {
		return ev.SourceIPs[0]
	}
	return ""
}

// object names the request's object, "resource ns/name".
func object(ev *auditv1.Event) (finding.Resource, string) {
	ref := ev.ObjectRef
	if ref == nil {
		return finding.Resource{Kind: "request", Name: ev.RequestURI}, ev.RequestURI
	}
	name := ref.Name
	if ref.Namespace != "" {
		name = ref.Namespace + "/" + cmp.Or(ref.Name, "*")
	}
	kind := kindOf(ref.Resource)
	return finding.Resource{Kind: kind, Name: name}, fmt.Sprintf("%s %q", strings.ToLower(kind), name)
}

// kindOf maps a resource to its kind for the resources the checks name;
// others keep their resource name.
func kindOf(resource string) string {
	if k, ok := kinds[resource]; ok {
		return k
	}
	return resource
}

var kinds = map[string]string{
	"pods": "Pod", "secrets": "Secret", "serviceaccounts": "ServiceAccount",
	"deployments": "Deployment", "daemonsets": "DaemonSet", "statefulsets": "StatefulSet",
	"replicasets": "ReplicaSet", "jobs": "Job", "cronjobs": "CronJob",
	"clusterrolebindings": "ClusterRoleBinding", "rolebindings": "RoleBinding",
	"clusterroles": "ClusterRole", "roles": "Role",
	"validatingwebhookconfigurations":   "ValidatingWebhookConfiguration",
	"mutatingwebhookconfigurations":     "MutatingWebhookConfiguration",
	"validatingadmissionpolicies":       "ValidatingAdmissionPolicy",
	"validatingadmissionpolicybindings": "ValidatingAdmissionPolicyBinding",
	"mutatingadmissionpolicies":         "MutatingAdmissionPolicy",
	"mutatingadmissionpolicybindings":   "MutatingAdmissionPolicyBinding",
}
