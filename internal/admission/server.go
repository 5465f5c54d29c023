package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/kube"
)

// The failure policies: what the webhook answers when an evaluation
// exceeds its time budget or fails.
const (
	FailOpen   = "open"
	FailClosed = "closed"
)

// DefaultTimeout is the default time budget of one evaluation.
const DefaultTimeout = 2 * time.Second

// MaxReviewBytes bounds an AdmissionReview body. The API server stores
// objects of at most about 1.5 MiB and a review of an update carries the
// old object too.
const MaxReviewBytes = 8 << 20

// Config configures a [Server].
type Config struct {
	// Policy is the policy to start with; nil means [DefaultPolicy].
	Policy *Policy
	// Lookup reads the cluster (namespaces and their labels, the context
	// of cross-object checks); nil means nothing is known.
	Lookup Lookup
	// ClusterVersion is the API server's version ("v1.33"), for the Pod
	// Security Standards unless the policy names one.
	ClusterVersion string
	// FailurePolicy is FailOpen (the default) or FailClosed.
	FailurePolicy string
	// Timeout is the time budget of one evaluation; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Logger receives one structured line per violation and per problem;
	// nil discards them.
	Logger *slog.Logger
	// Now is the clock exemptions expire by; nil means time.Now.
	Now func() time.Time
	// Ready reports whether the Lookup is ready (informers synced); nil
	// means always.
	Ready func() bool
	// Evaluator replaces fourc's checks, for tests; nil means
	// [NewEvaluator] of each policy.
	Evaluator Evaluator
}

// Server answers AdmissionReviews: the handler of /validate, /healthz and
// /readyz, and the Prometheus metrics.
type Server struct {
	cfg     Config
	state   atomic.Pointer[state]
	metrics *metrics
	// certLoaded reports whether the TLS certificate is loaded; set by
	// ServeTLS.
	certLoaded atomic.Pointer[func() bool]

	mu      sync.Mutex
	expired map[string]bool // exemptions already logged as expired
}

// state is the policy in force and its evaluator, swapped as one on reload.
type state struct {
	policy *Policy
	eval   Evaluator
}

// NewServer checks the configuration and returns a server.
func NewServer(cfg Config) (*Server, error) {
	switch cfg.FailurePolicy {
	case "":
		cfg.FailurePolicy = FailOpen
	case FailOpen, FailClosed:
	default:
		return nil, fmt.Errorf("failure policy %q: want open or closed", cfg.FailurePolicy)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("timeout %s: want a positive duration such as 2s", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Policy == nil {
		cfg.Policy = DefaultPolicy()
	}
	s := &Server{cfg: cfg, metrics: newMetrics(), expired: map[string]bool{}}
	if err := s.SetPolicy(cfg.Policy); err != nil {
		return nil, err
	}
	return s, nil
}

// SetPolicy makes p the policy of the requests that follow.
func (s *Server) SetPolicy(p *Policy) error {
	ev := s.cfg.Evaluator
	if ev == nil {
		var err error
		if ev, err = NewEvaluator(p, s.cfg.Lookup, s.cfg.ClusterVersion); err != nil {
			return err
		}
	}
	s.state.Store(&state{policy: p, eval: ev})
	s.logExpired()
	return nil
}

// Policy returns the policy in force.
func (s *Server) Policy() *Policy { return s.state.Load().policy }

// logExpired logs, once each, the exemptions that have expired: they no
// longer apply.
func (s *Server) logExpired() {
	p := s.Policy()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range p.Expired(s.cfg.Now()) {
		key := fmt.Sprintf("%s:%d:%s:%s", p.Name, e.Line(), e.ID, e.Resource)
		if s.expired[key] {
			continue
		}
		s.expired[key] = true
		s.cfg.Logger.Warn("admission exemption expired and no longer applies",
			"policy", p.Name, "line", e.Line(), "check", e.ID, "resource", e.Resource, "expires", e.Expires, "reason", e.Reason)
	}
}

// Decision is the webhook's answer about one object.
type Decision struct {
	// Allowed is the answer.
	Allowed bool
	// Mode is the mode of the object's namespace; empty when the object
	// was not judged (a kind or operation the webhook does not judge).
	Mode Mode
	// Violations are the findings at or above the policy's threshold that
	// no exemption covers.
	Violations []finding.Finding
	// Exempted are the findings an exemption let through.
	Exempted []finding.Suppressed
	// Failure is "timeout" or "error" when the failure policy answered,
	// and Err says why.
	Failure string
	Err     error
}

// Judge decides about one object as the webhook would.
func (s *Server) Judge(ctx context.Context, obj *kube.Object, labels map[string]string) Decision {
	st := s.state.Load()
	mode, modeErr := st.policy.ModeFor(obj.Namespace, labels)
	if obj.Kind == "Namespace" {
		mode, modeErr = st.policy.ModeFor(obj.Name, labels)
	}
	if modeErr != nil {
		s.cfg.Logger.Warn("admission mode label ignored", "error", modeErr.Error(), "mode", mode)
	}
	if mode == ModeOff {
		return Decision{Allowed: true, Mode: mode}
	}
	start := time.Now()
	fs, failure, err := s.evaluate(ctx, st.eval, obj)
	s.metrics.latency.WithLabelValues(obj.Kind).Observe(time.Since(start).Seconds())
	if err != nil {
		return s.fail(mode, failure, err)
	}
	v, ex := st.policy.Violations(fs, s.cfg.Now())
	return Decision{Allowed: mode != ModeEnforce || len(v) == 0, Mode: mode, Violations: v, Exempted: ex}
}

// fail is the failure policy's answer. Only enforce mode ever denies: a
// namespace in warn or audit mode is never blocked by a failure.
func (s *Server) fail(mode Mode, failure string, err error) Decision {
	s.metrics.failures.WithLabelValues(s.cfg.FailurePolicy, failure).Inc()
	return Decision{Allowed: s.cfg.FailurePolicy == FailOpen || mode != ModeEnforce, Mode: mode, Failure: failure, Err: err}
}

// evaluate runs the evaluator within the time budget. A panic is an
// error, not a crash.
func (s *Server) evaluate(ctx context.Context, ev Evaluator, obj *kube.Object) (fs []finding.Finding, failure string, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	type result struct {
		fs  []finding.Finding
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{err: fmt.Errorf("evaluation panicked: %v", r)}
			}
		}()
		fs, err := ev.Evaluate(ctx, obj)
		ch <- result{fs, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			if errors.Is(r.err, context.DeadlineExceeded) {
				return nil, "timeout", fmt.Errorf("evaluation exceeded its budget of %s", s.cfg.Timeout)
			}
			return nil, "error", r.err
		}
		return r.fs, "", nil
	case <-ctx.Done():
		return nil, "timeout", fmt.Errorf("evaluation exceeded its budget of %s", s.cfg.Timeout)
	}
}

// Review answers one admission request.
func (s *Server) Review(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	kind := req.Kind.Kind
	judged := (req.Operation == admissionv1.Create || req.Operation == admissionv1.Update) &&
		req.SubResource == "" && slices.Contains(Kinds, kind)
	if !judged {
		s.metrics.requests.WithLabelValues(kind, string(req.Operation), "allow", "").Inc()
		return resp
	}
	d := s.judgeRequest(ctx, req)
	s.answer(resp, req, d)
	decision := "allow"
	if !d.Allowed {
		decision = "deny"
	}
	s.metrics.requests.WithLabelValues(kind, string(req.Operation), decision, string(d.Mode)).Inc()
	return resp
}

// judgeRequest decodes the request's object and judges it.
func (s *Server) judgeRequest(ctx context.Context, req *admissionv1.AdmissionRequest) Decision {
	apiVersion := req.Kind.Version
	if req.Kind.Group != "" {
		apiVersion = req.Kind.Group + "/" + req.Kind.Version
	}
	ref := strings.ToLower(req.Resource.Resource) + "/" + req.Name
	if req.Namespace != "" {
		ref = "namespaces/" + req.Namespace + "/" + ref
	}
	obj, err := kube.DecodeObject(apiVersion, req.Kind.Kind, req.Object.Raw, kube.Source{Ref: ref})
	if err != nil {
		st := s.state.Load()
		mode, _ := st.policy.ModeFor(req.Namespace, s.labels(req.Namespace))
		return s.fail(mode, "error", err)
	}
	if obj.Namespace == "" && req.Namespace != "" && obj.Kind != "Namespace" {
		obj.Namespace = req.Namespace
	}
	labels := s.labels(obj.Namespace)
	if obj.Kind == "Namespace" {
		labels = obj.Meta().GetLabels()
	}
	return s.Judge(ctx, obj, labels)
}

// labels returns the labels of a namespace, nil when unknown.
func (s *Server) labels(namespace string) map[string]string {
	if namespace == "" || s.cfg.Lookup == nil {
		return nil
	}
	if ns := s.cfg.Lookup.Namespace(namespace); ns != nil {
		return ns.Labels
	}
	return nil
}

// answer fills the response from the decision, and records it: a log
// line and the violations metric.
func (s *Server) answer(resp *admissionv1.AdmissionResponse, req *admissionv1.AdmissionRequest, d Decision) {
	resp.Allowed = d.Allowed
	what := fmt.Sprintf("%s %q", req.Kind.Kind, name(req.Namespace, req.Name))
	if d.Failure != "" {
		s.cfg.Logger.Error("admission evaluation failed", "failure", d.Failure, "error", d.Err.Error(),
			"failure_policy", s.cfg.FailurePolicy, "allowed", d.Allowed, "kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name)
		msg := fmt.Sprintf("fourc could not evaluate %s (%s: %v); failure policy %s", what, d.Failure, d.Err, s.cfg.FailurePolicy)
		if d.Allowed {
			resp.Warnings = []string{truncate(msg, maxWarning)}
		} else {
			resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: msg}
		}
		resp.AuditAnnotations = map[string]string{"failure": d.Failure}
		return
	}
	if len(d.Exempted) > 0 {
		resp.AuditAnnotations = map[string]string{"exempted": checkIDs(suppressedFindings(d.Exempted))}
	}
	if len(d.Violations) == 0 {
		return
	}
	ids := checkIDs(d.Violations)
	if resp.AuditAnnotations == nil {
		resp.AuditAnnotations = map[string]string{}
	}
	resp.AuditAnnotations["violations"] = ids
	resp.AuditAnnotations["mode"] = string(d.Mode)
	for _, f := range d.Violations {
		s.metrics.violations.WithLabelValues(f.CheckID, string(d.Mode)).Inc()
	}
	s.cfg.Logger.Info("admission policy violated", "mode", string(d.Mode), "allowed", d.Allowed,
		"kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name, "operation", string(req.Operation),
		"user", req.UserInfo.Username, "checks", ids, "uid", string(req.UID))
	switch d.Mode {
	case ModeEnforce:
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
			Message: DenyMessage(what, s.Policy().FailOn, d.Violations)}
	case ModeWarn:
		resp.Warnings = Warnings(d.Violations)
	}
}

// name names the object of a request; a create with generateName has no
// name yet.
func name(namespace, n string) string {
	if n == "" {
		n = "(generated name)"
	}
	if namespace == "" {
		return n
	}
	return namespace + "/" + n
}

func suppressedFindings(ss []finding.Suppressed) []finding.Finding {
	out := make([]finding.Finding, len(ss))
	for i, s := range ss {
		out[i] = s.Finding
	}
	return out
}

// checkIDs lists the distinct check IDs of findings, comma-separated.
func checkIDs(fs []finding.Finding) string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.CheckID) {
			ids = append(ids, f.CheckID)
		}
	}
	return strings.Join(ids, ",")
}

// Bounds of what a client shows: kubectl prints the deny message whole;
// the API server may truncate warnings over 256 characters.
const (
	maxMessage  = 1500
	maxWarning  = 256
	maxWarnings = 10
)

// DenyMessage says why an object is denied: every violated check, by ID,
// title and severity, with what was found and how to fix it, within a
// length kubectl shows in full.
func DenyMessage(what string, failOn finding.Severity, violations []finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fourc: %s violates the admission policy (%s at or above %s):", what, plural(len(violations), "finding"), failOn)
	for i, f := range violations {
		item := fmt.Sprintf(" [%s] %s (%s): %s. Fix: %s", f.CheckID, f.Title, f.Severity, strings.TrimSuffix(f.Message, "."), f.Remediation)
		if b.Len()+len(item) > maxMessage {
			fmt.Fprintf(&b, " … and %d more (%s)", len(violations)-i, truncate(checkIDs(violations[i:]), 200))
			break
		}
		b.WriteString(item)
	}
	return b.String()
}

// Warnings are the admission warnings of violations, one per check, each
// short enough not to be truncated.
func Warnings(violations []finding.Finding) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range violations {
		if seen[f.CheckID] {
			continue
		}
		seen[f.CheckID] = true
		if len(out) == maxWarnings-1 && len(violations) > maxWarnings {
			out = append(out, fmt.Sprintf("fourc: and more: %s", truncate(checkIDs(violations), maxWarning-20)))
			break
		}
		out = append(out, truncate(fmt.Sprintf("fourc %s %s (%s): %s. Fix: %s", f.CheckID, f.Title, f.Severity, strings.TrimSuffix(f.Message, "."), f.Remediation), maxWarning))
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// Handler serves /validate (AdmissionReview v1), /healthz and /readyz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /validate", s.serveValidate)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.serveReady)
	return mux
}

// MetricsHandler serves the Prometheus metrics.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

func (s *Server) serveReady(w http.ResponseWriter, _ *http.Request) {
	var missing []string
	if s.cfg.Ready != nil && !s.cfg.Ready() {
		missing = append(missing, "informers not synced")
	}
	if f := s.certLoaded.Load(); f != nil && !(*f)() {
		missing = append(missing, "TLS certificate not loaded")
	}
	if len(missing) > 0 {
		http.Error(w, "not ready: "+strings.Join(missing, ", "), http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}

// serveValidate decodes an AdmissionReview (bounded by MaxReviewBytes),
// answers it and writes the review back. A body that is too large or is
// no AdmissionReview with a request gets a 400 and an explanation.
func (s *Server) serveValidate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxReviewBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.badRequest(w, fmt.Sprintf("AdmissionReview larger than %d bytes", MaxReviewBytes))
		return
	case err != nil:
		s.badRequest(w, "reading the AdmissionReview: "+err.Error())
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		s.badRequest(w, "decoding the AdmissionReview: "+err.Error())
		return
	}
	if review.Request == nil || review.Request.UID == "" {
		s.badRequest(w, "the AdmissionReview has no request (or no request uid)")
		return
	}
	if review.APIVersion != "" && review.APIVersion != admissionv1.SchemeGroupVersion.String() {
		s.badRequest(w, fmt.Sprintf("AdmissionReview version %q is not served (want %s; set admissionReviewVersions: [v1])", review.APIVersion, admissionv1.SchemeGroupVersion))
		return
	}
	out := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"},
		Response: s.Review(r.Context(), review.Request),
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		s.cfg.Logger.Warn("writing the admission response", "error", err.Error())
	}
}

func (s *Server) badRequest(w http.ResponseWriter, msg string) {
	s.metrics.requests.WithLabelValues("", "", "bad-request", "").Inc()
	s.cfg.Logger.Warn("bad admission request", "error", msg)
	http.Error(w, truncate(msg, 512), http.StatusBadRequest)
}
