package operator

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// imageCache holds image scan results by digest and vulnerability
// database version: an image is scanned once per digest until the
// database changes. It also remembers which digest each reference
// resolved to and which references are queued or being scanned.
type imageCache struct {
	dbPath       string
	jobNamespace string

	mu      sync.Mutex
	byKey   map[string]*imageResult // digest@dbversion
	keyOf   map[string]string       // ref → key of its latest result
	digests map[string]string       // ref → digest running Pods report
	pending map[string]bool         // refs queued or scanning
	running map[string]bool         // refs scanning
	metrics *metrics
	db      *vulndb.DB
	dbMod   time.Time
	dbVer   string
}

func newImageCache(dbPath, jobNamespace string, m *metrics) *imageCache {
	return &imageCache{dbPath: dbPath, jobNamespace: jobNamespace, byKey: map[string]*imageResult{}, keyOf: map[string]string{},
		digests: map[string]string{}, pending: map[string]bool{}, running: map[string]bool{}, metrics: m, dbVer: "none"}
}

// gauges sets the scan gauges; c.mu is held.
func (c *imageCache) gauges() {
	c.metrics.scans.WithLabelValues("queued").Set(float64(len(c.pending) - len(c.running)))
	c.metrics.scans.WithLabelValues("running").Set(float64(len(c.running)))
}

// started marks ref as being scanned.
func (c *imageCache) started(ref string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending[ref], c.running[ref] = true, true
	c.gauges()
}

// lookup implements imageLookup: the latest result for ref, even of an
// older database while the new scan runs.
func (c *imageCache) lookup(ref string) (*imageResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byKey[c.keyOf[ref]]
	return r, ok
}

// runningCount is how many scans of references other than ref were
// started and are not done.
func (c *imageCache) runningCount(ref string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.running)
	if c.running[ref] {
		n--
	}
	return n
}

// setDigests records the digests running Pods report.
func (c *imageCache) setDigests(d map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.digests = d
}

// wanted returns the references that need a scan (no result for their
// current digest and database) and are not queued yet, and marks them
// queued.
func (c *imageCache) wanted(refs []string) []string {
	ver := c.version()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ref := range refs {
		key, have := c.keyOf[ref]
		if d := c.digests[ref]; d != "" && !strings.HasPrefix(key, d+"@") {
			have = false // the tag moved
		}
		if have && strings.HasSuffix(key, "@"+ver) || c.pending[ref] {
			continue
		}
		c.pending[ref] = true
		out = append(out, ref)
	}
	c.gauges()
	return out
}

// cached returns the result for a digest at the current database, and
// records it as ref's latest.
func (c *imageCache) cached(ref, digest string) (*imageResult, bool) {
	key := digest + "@" + c.version()
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byKey[key]
	if ok {
		c.keyOf[ref] = key
	}
	return r, ok
}

// store records a result for ref and its digest at database version ver.
func (c *imageCache) store(ref, ver string, r *imageResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := r.Digest + "@" + ver
	c.byKey[key], c.keyOf[ref] = r, key
}

// done marks ref no longer queued nor scanning.
func (c *imageCache) done(ref string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, ref)
	delete(c.running, ref)
	c.gauges()
}

// digest returns the digest running Pods report for ref, or "".
func (c *imageCache) digest(ref string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.digests[ref]
}

// version returns the database's version, "<built-at>-<checksum>", or
// "none"; it reopens the database when its file changed (`fourc db
// update` replaces it).
func (c *imageCache) version() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dbPath == "" {
		return c.dbVer
	}
	fi, err := os.Stat(c.dbPath)
	if err != nil || fi.ModTime().Equal(c.dbMod) {
		return c.dbVer
	}
	db, err := vulndb.Open(c.dbPath)
	if err != nil {
		return c.dbVer
	}
	if c.db != nil {
		c.db.Close()
	}
	st := db.Status()
	c.db, c.dbMod = db, fi.ModTime()
	c.dbVer = st.BuiltAt.UTC().Format("20060102T150405Z") + "-" + st.Checksum[:min(12, len(st.Checksum))]
	return c.dbVer
}

// database returns the open database, or nil.
func (c *imageCache) database() *vulndb.DB {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.db
}

// imageReconciler scans one image reference (the request's name) in the
// operator: resolve its digest, answer from the cache or scan it with
// internal/image. Its controller runs at most --max-concurrent-scans
// reconciles at a time.
type imageReconciler struct {
	// secrets is compiled once: compiling the rules costs more than
	// scanning a small image.
	secrets  *secret.Detector
	images   *imageCache
	posture  *postureReconciler
	metrics  *metrics
	insecure bool
}

// Reconcile implements reconcile.Reconciler.
func (r *imageReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ref := req.Name
	defer r.images.done(ref)
	start := time.Now()
	defer func() { r.metrics.duration.WithLabelValues("image").Observe(time.Since(start).Seconds()) }()
	digest := r.images.digest(ref)
	if digest == "" {
		var err error
		if digest, err = r.resolve(ctx, ref); err != nil {
			// Shown as failed, and retried with the queue's back-off: a
			// registry may be down for a while.
			r.finish(ref, r.images.version(), &imageResult{Digest: "unresolved:" + ref, Err: err.Error()})
			return reconcile.Result{}, err
		}
	}
	if _, ok := r.images.cached(ref, digest); ok {
		r.metrics.cacheHits.Inc()
		r.metrics.reconciles.WithLabelValues("image", "cached").Inc()
		r.posture.trigger()
		return reconcile.Result{}, nil
	}
	r.metrics.cacheMiss.Inc()
	ver := r.images.version()
	r.images.started(ref)
	res, err := r.scan(ctx, ref, digest)
	if err != nil {
		res = &imageResult{Digest: digest, Err: err.Error()}
	}
	r.finish(ref, ver, res)
	return reconcile.Result{}, nil
}

// finish stores a result, counts it and asks for a new evaluation.
func (r *imageReconciler) finish(ref, ver string, res *imageResult) {
	r.images.store(ref, ver, res)
	r.metrics.scansDone.WithLabelValues(result(errString(res.Err))).Inc()
	r.metrics.reconciles.WithLabelValues("image", result(errString(res.Err))).Inc()
	r.posture.trigger()
}

// errString is an error for a non-empty message.
func errString(s string) error {
	if s == "" {
		return nil
	}
	return fmt.Errorf("%s", s)
}

// resolve asks the registry for ref's manifest digest (a HEAD request).
func (r *imageReconciler) resolve(ctx context.Context, ref string) (string, error) {
	nr, err := r.parse(ref)
	if err != nil {
		return "", err
	}
	if d, ok := nr.(name.Digest); ok {
		return d.DigestStr(), nil
	}
	desc, err := remote.Head(nr, remote.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("resolving image %q: %w", ref, err)
	}
	return desc.Digest.String(), nil
}

// parse parses an image reference.
func (r *imageReconciler) parse(ref string) (name.Reference, error) {
	var opts []name.Option
	if r.insecure {
		opts = append(opts, name.Insecure)
	}
	nr, err := name.ParseReference(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("parsing image reference %q: %w", ref, err)
	}
	return nr, nil
}

// scan scans ref with internal/image, as the scan Job's `fourc image
// REF` does; the result is kept under digest, which ref resolved to.
func (r *imageReconciler) scan(ctx context.Context, ref, digest string) (*imageResult, error) {
	opts := image.Options{Insecure: r.insecure, Secrets: r.secrets}
	if db := r.images.database(); db != nil {
		opts.DB = db
	}
	res, err := image.Scan(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	return &imageResult{Digest: digest, Findings: res.Findings}, nil
}
