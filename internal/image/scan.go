// Package image scans container images: from a registry, a docker-archive
// or OCI tarball, or an OCI layout directory. Layers are streamed once,
// with whiteouts applied, into a read-only merged view (an fs.FS) that
// remembers which layer added each file and which files later layers
// deleted. Over that view it reports OS and language packages and their
// vulnerabilities (attributed to the layer and build step that added
// them), the OS and its end of support, secrets and malware in any layer
// (also those "hidden" by a later delete) and in the image configuration, risky
// configuration, setuid and world-writable files, registry hygiene and,
// when asked, Cosign signatures.
package image

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/signature"
	"github.com/fourc-dev/fourc/internal/source"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// Options tune [Scan]. The zero value scans an image with default limits,
// no vulnerability database and no signature verification.
type Options struct {
	// Insecure allows plain HTTP (and unverified TLS) to the registry.
	Insecure bool
	// Platform picks the image of a multi-platform index, e.g.
	// "linux/arm64"; empty means linux and the host's architecture.
	Platform string
	// VerifyKey is the path of a Cosign public key (PEM); when set, the
	// image's signatures are verified with it.
	VerifyKey string
	// RequireSignature reports an unsigned image even without VerifyKey.
	RequireSignature bool
	// DB is the vulnerability database packages are matched against; nil
	// lists packages without matching them.
	DB vuln.Source
	// Secrets is the secret detector; nil builds one with the built-in
	// rules.
	Secrets *secret.Detector
	// NoSecrets turns secret scanning off.
	NoSecrets bool
	// Malware is the malware detector; nil builds one with the built-in
	// heuristics and hash list.
	Malware *malware.Detector
	// NoMalware turns the malware scan off.
	NoMalware bool
	// Limits bound what a hostile image can cost.
	Limits Limits
	// Now is the scan's clock (for end-of-support dates); zero means
	// time.Now.
	Now time.Time
	// Transport is the HTTP transport to registries; nil means the default.
	Transport http.RoundTripper
	// Dockerfile, when set, is the Dockerfile the image was built from:
	// findings then name the instruction (file:line) that made each layer.
	Dockerfile string
}

// Result is what a scan of one image found.
type Result struct {
	// Ref is the reference the scan was given.
	Ref string `json:"ref"`
	// Kind is where the image came from.
	Kind Kind `json:"kind"`
	// Name is the image's name for findings: the reference without tag
	// or digest for registry images, otherwise the file's path.
	Name string `json:"name"`
	// Names are the references the image is known by: the registry
	// reference, a docker archive's RepoTags, or the reference an OCI
	// index's annotations give it.
	Names []string `json:"names,omitempty"`
	// Digest is the manifest digest, ConfigDigest the image ID.
	Digest       string `json:"digest"`
	ConfigDigest string `json:"config_digest"`
	// Platform is the image's OS/architecture.
	Platform string `json:"platform,omitempty"`
	// OS is the operating system from /etc/os-release; empty when none.
	OS OS `json:"os"`
	// Layers lists the image's layers with the history entry that made
	// each.
	Layers []Layer `json:"layers"`
	// Packages are the OS and language packages and Go modules found.
	Packages []inventory.Package `json:"packages"`
	// PackageLayers[i] is the index of the layer that added Packages[i],
	// or -1 when unknown.
	PackageLayers []int `json:"package_layers"`
	// Removed lists files a later layer deleted (still in the image).
	Removed []Removed `json:"removed,omitempty"`
	// Signature is the outcome of signature verification, when asked.
	Signature *signature.Result `json:"signature,omitempty"`
	Findings  []finding.Finding `json:"findings"`
	Skipped   []finding.Skipped `json:"skipped"`
	// Files counts the paths of the merged view.
	Files int `json:"files"`
	// View is the merged file system, for callers that scan it further.
	View *View `json:"-"`
}

// Scan opens the image ref names and scans it. Errors are returned only
// when the image cannot be read at all; a bad layer or file is reported in
// Result.Skipped and the scan goes on.
func Scan(ctx context.Context, ref string, opts Options) (*Result, error) {
	rec := &schemeRecorder{next: opts.Transport}
	if rec.next == nil {
		rec.next = http.DefaultTransport
	}
	if opts.Insecure {
		rec.next = insecureTransport(rec.next)
	}
	o := opts
	o.Transport = rec
	stage(ctx, "image "+ref, "reading the manifest")
	src, err := open(ctx, ref, o)
	if err != nil {
		return nil, err
	}
	res, err := scanImage(ctx, src, ref, opts)
	if err != nil {
		return nil, err
	}
	if src.kind == KindRegistry {
		t := Target{Ref: ref, Kind: src.kind, Insecure: rec.plain.Load()}
		for _, c := range targetChecks() {
			for _, vi := range c.Eval(t) {
				res.Findings = append(res.Findings, c.Meta.Finding(res.resource(), finding.Location{Object: ref}, vi))
			}
		}
		if opts.VerifyKey != "" || opts.RequireSignature {
			stage(ctx, "image "+ref, "verifying signatures")
			digest, err := v1.NewHash(res.Digest)
			if err != nil {
				return nil, err
			}
			sres, fs, err := signature.Verify(ctx, src.ref.Context(), digest, signature.Options{
				KeyPath: opts.VerifyKey, Require: opts.RequireSignature, Remote: src.remote,
			})
			if err != nil {
				return nil, err
			}
			res.Signature = sres
			res.Findings = append(res.Findings, fs...)
		}
	} else if opts.VerifyKey != "" || opts.RequireSignature {
		res.Skipped = append(res.Skipped, finding.Skipped{Path: ref, Scanner: "signature",
			Reason: fmt.Sprintf("signatures are verified only for registry images, not a %s", src.kind)})
	}
	finding.Sort(res.Findings)
	return res, nil
}

// Asset is the image as a node of the cross-layer graph: an "image" asset
// whose "scanned" attribute is the reference the scan was given, with the
// names and digest posture matches against the images manifests run
// ("names", "digest"), and the fingerprints of every finding of the scan,
// whatever resource each names (a package, a file in a layer).
func (r *Result) Asset() finding.Asset {
	a := finding.Asset{
		ID:       "image:" + r.Ref,
		Kind:     "image",
		Name:     r.Ref,
		Layer:    finding.LayerContainer,
		Resource: r.resource(),
		Location: finding.Location{Object: r.Ref},
		Attrs: map[string]string{
			"scanned":      r.Ref,
			"source":       string(r.Kind),
			"digest":       r.Digest,
			"configDigest": r.ConfigDigest,
			"packages":     strconv.Itoa(len(r.Packages)),
		},
	}
	if len(r.Names) > 0 {
		a.Attrs["names"] = strings.Join(r.Names, ",")
	}
	if r.OS.ID != "" {
		a.Attrs["os"] = strings.TrimSpace(r.OS.ID + " " + r.OS.VersionID)
	}
	for _, f := range r.Findings {
		a.Findings = append(a.Findings, f.Fingerprint)
	}
	return a
}

func (r *Result) resource() finding.Resource {
	return finding.Resource{Kind: "image", Name: r.Name}
}

// schemeRecorder notes whether any registry request went over plain HTTP.
type schemeRecorder struct {
	next  http.RoundTripper
	plain atomic.Bool
}

func (s *schemeRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && r.URL.Scheme == "http" {
		s.plain.Store(true)
	}
	return resp, err
}

func scanImage(ctx context.Context, src *imageSource, ref string, opts Options) (*Result, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	img := src.img
	// The secret rules compile while the manifest is read (hashing the
	// layers of an archive takes as long).
	detector := buildDetector(opts)
	res := &Result{Ref: ref, Kind: src.kind, Name: ref}
	if src.ref != nil {
		res.Name = src.ref.Context().Name()
		res.Names = []string{src.ref.Name()}
	}
	res.Names = append(res.Names, src.names...)
	cfg, err := readIdentity(img, ref, res)
	if err != nil {
		return nil, err
	}
	layers, err := imageLayers(img, cfg, src.opens)
	if err != nil {
		return nil, fmt.Errorf("reading layers of %q: %w", ref, err)
	}
	wlim := opts.Limits.withBudgets(limits.From(ctx))
	if len(layers) > wlim.MaxLayers {
		res.Skipped = append(res.Skipped, finding.Skipped{Path: ref, Scanner: scannerName,
			Reason: fmt.Sprintf("layers %d to %d (of %d) not read: %v", wlim.MaxLayers, len(layers)-1, len(layers), limits.Exceeded("layers", wlim.MaxLayers))})
		layers = layers[:wlim.MaxLayers]
	}
	if opts.Dockerfile != "" {
		res.Skipped = append(res.Skipped, linkDockerfile(layers, opts.Dockerfile)...)
	}

	pf, err := newPkgFinder()
	if err != nil {
		return nil, err
	}
	b := <-detector
	if b.err != nil {
		return nil, b.err
	}
	det := b.det
	var hits []secretHit
	step := "image " + ref
	wopts := WalkOptions{Limits: wlim, Keep: pf.keep, Image: ref, Step: step}
	if det != nil {
		wopts.InspectWants, wopts.Inspect = secretCandidate, secretInspector(det, &hits)
	}
	var malHits []malwareHit
	mal := malwareDetector(opts)
	if mal != nil {
		wopts.Sink = malwareSink(ctx, mal, &malHits, func(e Entry, reason string) {
			res.Skipped = append(res.Skipped, finding.Skipped{Path: "/" + e.Path, Scanner: "malware", Reason: "in " + layers[e.Layer].Name() + ": " + reason})
		})
	}
	view, skipped, err := BuildView(ctx, layers, wopts)
	if err != nil {
		return nil, err
	}
	res.View, res.Layers, res.Removed = view, view.Layers(), view.Removed()
	res.Skipped = append(res.Skipped, skipped...)

	// Layers whose content is not what the configuration declares.
	for _, l := range res.Layers {
		for _, vi := range checkDiffIDMismatch().Eval(l) {
			res.Findings = append(res.Findings, checkDiffIDMismatch().Meta.Finding(res.resource(), finding.Location{Object: l.Name()}, vi))
		}
	}

	// OS and its end of support.
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		if data, err := source.ReadFile(view, p, 1<<20); err == nil {
			res.OS = parseOSRelease(data)
			break
		}
	}
	for _, vi := range checkOSEOL().Eval(osSubject{OS: res.OS, Now: now}) {
		res.Findings = append(res.Findings, checkOSEOL().Meta.Finding(res.resource(), finding.Location{Path: "etc/os-release"}, vi))
	}

	// Configuration.
	passwd, _ := source.ReadFile(view, "etc/passwd", 1<<20)
	for _, c := range configChecks() {
		for _, vi := range c.Eval(configSubject{Config: cfg, Passwd: passwd}) {
			res.Findings = append(res.Findings, c.Meta.Finding(res.resource(), finding.Location{Object: "config"}, vi))
		}
	}

	// Files of the merged view.
	stage(ctx, step, "checking files")
	fchecks := fileChecks()
	_ = view.Walk(func(fi FileInfo) error {
		res.Files++
		for _, c := range fchecks {
			for _, vi := range c.Eval(fi) {
				res.Findings = append(res.Findings, c.Meta.Finding(res.resource(), layerLocation(fi.Path, layers, fi.Layer), vi))
			}
		}
		return nil
	})

	// Secrets and malware.
	if det != nil {
		stage(ctx, step, "searching for secrets")
		res.Findings = append(res.Findings, secretFindings(det, res, view, hits)...)
		res.Findings = append(res.Findings, configSecrets(det, res, cfg)...)
	}
	res.Findings = append(res.Findings, malwareFindings(mal, res, view, cfg, malHits)...)

	// Packages and their vulnerabilities.
	stage(ctx, step, "finding packages")
	founds, sk := pf.find(ctx, view)
	res.Skipped = append(res.Skipped, sk...)
	slices.SortStableFunc(founds, func(a, b found) int {
		return cmp.Or(cmp.Compare(a.pkg.Ecosystem, b.pkg.Ecosystem), cmp.Compare(a.pkg.Name, b.pkg.Name),
			cmp.Compare(a.pkg.Version, b.pkg.Version), cmp.Compare(a.pkg.Location.Path, b.pkg.Location.Path))
	})
	for _, fd := range founds {
		res.Packages = append(res.Packages, fd.pkg)
		res.PackageLayers = append(res.PackageLayers, layerOf(view, fd))
	}
	if opts.DB != nil {
		stage(ctx, step, fmt.Sprintf("matching %d packages against the vulnerability database", len(founds)))
		vf, err := vulnFindings(ctx, opts.DB, res, founds)
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, vf...)
	}
	return res, nil
}

// builtDetector is the outcome of compiling the secret rules.
type builtDetector struct {
	det *secret.Detector
	err error
}

// buildDetector compiles the built-in secret rules in the background,
// unless opts gives a detector or turns secrets off (a nil detector).
func buildDetector(opts Options) <-chan builtDetector {
	detector := make(chan builtDetector, 1)
	if opts.Secrets == nil && !opts.NoSecrets {
		go func() {
			det, err := secret.NewDetector(secret.Options{})
			detector <- builtDetector{det, err}
		}()
	} else {
		detector <- builtDetector{det: opts.Secrets}
	}
	return detector
}

// readIdentity records the image's digest, config digest and platform in
// res and returns its configuration.
func readIdentity(img v1.Image, ref string, res *Result) (*v1.ConfigFile, error) {
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	res.Digest = digest.String()
	cfgName, err := img.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("reading config of %q: %w", ref, err)
	}
	res.ConfigDigest = cfgName.String()
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading config of %q: %w", ref, err)
	}
	res.Platform = strings.Trim(cfg.OS+"/"+cfg.Architecture, "/")
	return cfg, nil
}

// secretInspector returns the walk's Inspect function that runs det over
// each text file it is given and adds the matches to hits.
func secretInspector(det *secret.Detector, hits *[]secretHit) func(Entry, []byte) {
	return func(e Entry, data []byte) {
		if source.IsBinary(data) {
			return
		}
		for _, m := range det.ScanFile(e.Path, data) {
			*hits = append(*hits, secretHit{entry: e, match: m})
		}
	}
}

// imageLayers lists the layers with their history entries. History
// entries marked empty_layer have no layer; the others map in order. The
// layers come from the manifest's descriptors and are opened only when
// read, so a manifest with very many layers costs one small record each.
func imageLayers(img v1.Image, cfg *v1.ConfigFile, opens []func() (io.ReadCloser, error)) ([]Layer, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	if opens != nil && len(opens) != len(m.Layers) {
		return nil, fmt.Errorf("archive lists %d layers, manifest %d", len(opens), len(m.Layers))
	}
	var created []string
	for _, h := range cfg.History {
		if !h.EmptyLayer {
			created = append(created, h.CreatedBy)
		}
	}
	out := make([]Layer, len(m.Layers))
	for i, d := range m.Layers {
		out[i] = Layer{Index: i, Digest: d.Digest.String(), Size: d.Size}
		if opens != nil {
			out[i].Open = opens[i]
		} else {
			out[i].Open = func() (io.ReadCloser, error) {
				l, err := img.LayerByDigest(d.Digest)
				if err != nil {
					return nil, err
				}
				return layerOpener(l)()
			}
		}
		// The config lists the diff IDs; asking a layer may hash it whole.
		if i < len(cfg.RootFS.DiffIDs) {
			out[i].DiffID = cfg.RootFS.DiffIDs[i].String()
		}
		if i < len(created) && len(created) == len(m.Layers) {
			out[i].CreatedBy = created[i]
		}
	}
	return out, nil
}

// layerLocation points at a file and the layer (and build step) that
// added it.
func layerLocation(p string, layers []Layer, li int) finding.Location {
	loc := finding.Location{Path: p}
	if li >= 0 && li < len(layers) {
		loc.Object = layers[li].Name()
		if cb := layers[li].CreatedBy; cb != "" {
			loc.Object += ": " + shorten(cleanCreatedBy(cb), 120)
		}
		if in := layers[li].Instruction; in != "" {
			loc.Object += " (" + in + ")"
		}
	}
	return loc
}

// cleanCreatedBy drops the shell prefix builders put before a RUN's
// command, so the Dockerfile instruction reads as written.
func cleanCreatedBy(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop) "); ok {
		return strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	// BuildKit: "RUN /bin/sh -c apt-get update # buildkit".
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	if rest, ok := strings.CutPrefix(s, "RUN /bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	return s
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// vulnFindings matches the packages against the database. Distribution
// advisories name source packages, so each source package is matched once
// and its vulnerabilities reported on every binary package built from it.
func vulnFindings(ctx context.Context, db vuln.Source, res *Result, founds []found) ([]finding.Finding, error) {
	type key struct{ eco, name, version string }
	keys := map[key]bool{}
	var query []inventory.Package
	for _, fd := range founds {
		k := key{fd.pkg.Ecosystem, fd.srcName, fd.srcVersion}
		if keys[k] {
			continue
		}
		keys[k] = true
		q := fd.pkg
		q.Name, q.Version = fd.srcName, fd.srcVersion
		query = append(query, q)
	}
	vs, err := vuln.NewMatcher(db).Match(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("matching packages of %q: %w", res.Ref, err)
	}
	byKey := map[key][]vuln.Vulnerability{}
	for _, v := range vs {
		k := key{v.Package.Ecosystem, v.Package.Name, v.Package.Version}
		byKey[k] = append(byKey[k], v)
	}
	var out []finding.Finding
	for i, fd := range founds {
		for _, v := range byKey[key{fd.pkg.Ecosystem, fd.srcName, fd.srcVersion}] {
			out = append(out, vulnFinding(res, fd, res.PackageLayers[i], v))
		}
	}
	return out, nil
}

func vulnFinding(res *Result, fd found, li int, v vuln.Vulnerability) finding.Finding {
	p := fd.pkg
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s %s", p.Name, p.Version)
	if fd.srcName != p.Name {
		fmt.Fprintf(&msg, " (source %s)", fd.srcName)
	}
	fmt.Fprintf(&msg, " is affected by %s", v.ID)
	if len(v.Aliases) > 0 {
		fmt.Fprintf(&msg, " (%s)", strings.Join(v.Aliases, ", "))
	}
	if v.Summary != "" {
		fmt.Fprintf(&msg, ": %s", shorten(v.Summary, 160))
	}
	if v.FixedVersion != "" {
		fmt.Fprintf(&msg, "; fixed in %s", v.FixedVersion)
	} else {
		msg.WriteString("; no fix published")
	}
	if li >= 0 && li < len(res.Layers) {
		fmt.Fprintf(&msg, "; added in %s", res.Layers[li].Name())
	}
	loc := layerLocation(p.Location.Path, res.Layers, li)
	f := checkVulnerablePackage().Meta.Finding(finding.Resource{Kind: p.Kind(), Name: p.String()}, loc,
		check.Violation{Message: msg.String(), Discriminator: v.ID + "\x00" + res.Name})
	vuln.Apply(&f, v)
	return f
}

// insecureTransport lets registries with self-signed certificates through.
func insecureTransport(rt http.RoundTripper) http.RoundTripper {
	if t, ok := rt.(*http.Transport); ok {
		t = t.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = newInsecureTLS()
		} else {
			t.TLSClientConfig = t.TLSClientConfig.Clone()
			t.TLSClientConfig.InsecureSkipVerify = true
		}
		return t
	}
	return rt
}

func newInsecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }
