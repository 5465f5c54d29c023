// Package signature verifies Cosign signatures of container images stored
// in their registry: the classic "simple signing" signatures under the tag
// sha256-<digest>.sig, and Sigstore bundles attached as OCI 1.1 referrers
// (or their tag fallback). Verification is offline, with a public key
// (sigstore-go's verifier for bundles, sigstore's signature verifiers for
// simple signing). Unsigned, wrongly signed and signed-for-another-image
// outcomes become findings.
package signature

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	sigsig "github.com/sigstore/sigstore/pkg/signature"

	"github.com/fourc-dev/fourc/internal/finding"
)

// Media types and annotations of Cosign's formats.
const (
	SimpleSigningMediaType = "application/vnd.dev.cosignproject.cosign/simplesigning.v1+json"
	SignatureAnnotation    = "dev.cosignproject.cosign/signature"
	BundleArtifactPrefix   = "application/vnd.dev.sigstore.bundle"
	// maxBlob bounds a signature payload or bundle read from a registry.
	maxBlob = 4 << 20
)

// Options tune [Verify].
type Options struct {
	// KeyPath is a PEM public key (ECDSA, RSA or Ed25519), as written by
	// `cosign generate-key-pair`; empty means only presence is checked.
	KeyPath string
	// Require reports an unsigned image as a finding.
	Require bool
	// Remote are the options for registry access (auth, transport).
	Remote []remote.Option
}

// Result is what verification found for one image.
type Result struct {
	// Image is the repository, Digest the manifest digest verified.
	Image  string `json:"image"`
	Digest string `json:"digest"`
	// KeyGiven and Required echo the options.
	KeyGiven bool `json:"key_given"`
	Required bool `json:"required"`
	// Signatures are those found, verified or not.
	Signatures []Signature `json:"signatures"`
}

// Signature is one signature found in the registry.
type Signature struct {
	// Source says where it was found, e.g. "tag sha256-….sig, layer 0".
	Source string `json:"source"`
	// Format is "simplesigning" or "bundle".
	Format string `json:"format"`
	// Valid is set when the signature verifies with the key.
	Valid bool `json:"valid"`
	// Digest is the image digest the signature covers, when known.
	Digest string `json:"digest,omitempty"`
	// Identity is the docker-reference the payload names, if any.
	Identity string `json:"identity,omitempty"`
	// Error says why it does not verify.
	Error string `json:"error,omitempty"`
}

func (s Signature) identityOK(image string) bool {
	return s.Identity == "" || sameRepository(s.Identity, image)
}

// sameRepository compares two references by repository, ignoring tag and
// digest and normalising Docker Hub names.
func sameRepository(a, b string) bool {
	ra, err1 := name.ParseReference(a)
	rb, err2 := name.ParseReference(b)
	if err1 != nil || err2 != nil {
		return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
	}
	return ra.Context().Name() == rb.Context().Name()
}

// Raw is a signature as fetched, before verification: a simple-signing
// payload with its signature, or a Sigstore bundle.
type Raw struct {
	Source    string `json:"source"`
	Payload   []byte `json:"payload,omitempty"`
	Signature []byte `json:"signature,omitempty"`
	Bundle    []byte `json:"bundle,omitempty"`
}

// Verify finds the image's signatures in its repository, verifies them with
// the key of opts and returns the outcome and its findings.
func Verify(ctx context.Context, repo name.Repository, digest v1.Hash, opts Options) (*Result, []finding.Finding, error) {
	var key crypto.PublicKey
	if opts.KeyPath != "" {
		k, err := LoadKey(opts.KeyPath)
		if err != nil {
			return nil, nil, err
		}
		key = k
	}
	raws, err := Fetch(ctx, repo, digest, opts.Remote)
	if err != nil {
		return nil, nil, err
	}
	res := Evaluate(repo.Name(), digest.String(), key, raws)
	res.Required = opts.Require
	return res, Findings(res), nil
}

// LoadKey reads a PEM public key.
func LoadKey(p string) (crypto.PublicKey, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading public key: %w", err)
	}
	k, err := cryptoutils.UnmarshalPEMToPublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("parsing public key %q: %w", p, err)
	}
	return k, nil
}

// SigTag is the tag Cosign stores an image's signatures under.
func SigTag(digest v1.Hash) string { return digest.Algorithm + "-" + digest.Hex + ".sig" }

// Fetch collects the image's signatures from its repository: the layers of
// the .sig tag and the Sigstore bundles among the referrers.
func Fetch(ctx context.Context, repo name.Repository, digest v1.Hash, ropts []remote.Option) ([]Raw, error) {
	ropts = append(append([]remote.Option(nil), ropts...), remote.WithContext(ctx))
	var out []Raw
	tag := repo.Tag(SigTag(digest))
	img, err := remote.Image(tag, ropts...)
	switch {
	case notFound(err):
	case err != nil:
		return nil, fmt.Errorf("fetching signatures %q: %w", tag.String(), err)
	default:
		raws, err := simpleSignatures(img, "tag "+tag.TagStr())
		if err != nil {
			return nil, fmt.Errorf("reading signatures %q: %w", tag.String(), err)
		}
		out = append(out, raws...)
	}
	idx, err := remote.Referrers(repo.Digest(digest.String()), ropts...)
	if notFound(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing referrers of %s@%s: %w", repo.Name(), digest, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("listing referrers of %s@%s: %w", repo.Name(), digest, err)
	}
	for _, d := range im.Manifests {
		if !strings.HasPrefix(d.ArtifactType, BundleArtifactPrefix) {
			continue
		}
		src := "referrer " + d.Digest.String()
		rimg, err := remote.Image(repo.Digest(d.Digest.String()), ropts...)
		if err != nil {
			out = append(out, Raw{Source: src})
			continue
		}
		layers, err := rimg.Layers()
		if err != nil || len(layers) == 0 {
			out = append(out, Raw{Source: src})
			continue
		}
		b, err := readBlob(layers[0])
		if err != nil {
			out = append(out, Raw{Source: src})
			continue
		}
		out = append(out, Raw{Source: src, Bundle: b})
	}
	return out, nil
}

func notFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && (te.StatusCode == http.StatusNotFound)
}

func simpleSignatures(img v1.Image, src string) ([]Raw, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	var out []Raw
	for i, d := range m.Layers {
		b64, ok := d.Annotations[SignatureAnnotation]
		if !ok {
			continue
		}
		r := Raw{Source: fmt.Sprintf("%s, layer %d", src, i)}
		sig, err := base64.StdEncoding.DecodeString(b64)
		if err == nil {
			r.Signature = sig
		}
		l, err := img.LayerByDigest(d.Digest)
		if err != nil {
			return nil, err
		}
		if r.Payload, err = readBlob(l); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func readBlob(l v1.Layer) ([]byte, error) {
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxBlob+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBlob {
		return nil, fmt.Errorf("blob over %d bytes", maxBlob)
	}
	return b, nil
}

// simpleSigning is Cosign's signed payload.
type simpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
}

// Evaluate verifies fetched signatures of image (a repository name) at
// digest with key; a nil key records the signatures unverified.
func Evaluate(image, digest string, key crypto.PublicKey, raws []Raw) *Result {
	res := &Result{Image: image, Digest: digest, KeyGiven: key != nil}
	for _, r := range raws {
		var s Signature
		if r.Bundle != nil || r.Payload == nil {
			s = evalBundle(r, digest, key)
		} else {
			s = evalSimple(r, key)
		}
		res.Signatures = append(res.Signatures, s)
	}
	return res
}

func evalSimple(r Raw, key crypto.PublicKey) Signature {
	s := Signature{Source: r.Source, Format: "simplesigning"}
	var p simpleSigning
	if err := json.Unmarshal(r.Payload, &p); err != nil {
		s.Error = "payload is not a simple-signing document: " + err.Error()
		return s
	}
	s.Digest = p.Critical.Image.DockerManifestDigest
	s.Identity = p.Critical.Identity.DockerReference
	if key == nil {
		return s
	}
	if len(r.Signature) == 0 {
		s.Error = "no signature annotation"
		return s
	}
	v, err := sigsig.LoadVerifier(key, crypto.SHA256)
	if err != nil {
		s.Error = "unusable key: " + err.Error()
		return s
	}
	if err := v.VerifySignature(bytes.NewReader(r.Signature), bytes.NewReader(r.Payload)); err != nil {
		s.Error = "signature does not verify with the key"
		return s
	}
	if p.Critical.Type != "" && p.Critical.Type != "cosign container image signature" {
		s.Error = fmt.Sprintf("unexpected payload type %q", p.Critical.Type)
		return s
	}
	s.Valid = true
	return s
}

func evalBundle(r Raw, digest string, key crypto.PublicKey) Signature {
	s := Signature{Source: r.Source, Format: "bundle"}
	if r.Bundle == nil {
		s.Error = "bundle could not be read"
		return s
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(r.Bundle); err != nil {
		s.Error = "not a Sigstore bundle: " + firstLine(err)
		return s
	}
	if key == nil {
		return s
	}
	alg, hexd, _ := strings.Cut(digest, ":")
	want, err := hex.DecodeString(hexd)
	if err != nil {
		s.Error = "bad image digest"
		return s
	}
	v, err := sigsig.LoadVerifier(key, crypto.SHA256)
	if err != nil {
		s.Error = "unusable key: " + err.Error()
		return s
	}
	material := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(v, timeZero, timeZero), nil
	})
	sev, err := verify.NewVerifier(material, verify.WithNoObserverTimestamps())
	if err != nil {
		s.Error = firstLine(err)
		return s
	}
	if _, err := sev.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest(alg, want), verify.WithKey())); err != nil {
		s.Error = "bundle does not verify for this image with the key: " + firstLine(err)
		return s
	}
	s.Valid, s.Digest = true, digest
	return s
}

func firstLine(err error) string {
	m := err.Error()
	if i := strings.IndexByte(m, '\n'); i >= 0 {
		m = m[:i]
	}
	return m
}
