package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/fourc-dev/fourc/internal/image/imagetest"
)

// testKey is an ECDSA P-256 key, Cosign's default, that also serves as a
// sigstore-go signing key pair.
type testKey struct{ priv *ecdsa.PrivateKey }

func newKey(t testing.TB) testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{k}
}

func (k testKey) pem(t testing.TB) []byte {
	t.Helper()
	b, err := cryptoutils.MarshalPublicKeyToPEM(&k.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (k testKey) writePub(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(p, k.pem(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (k testKey) sign(t testing.TB, data []byte) []byte {
	t.Helper()
	sum := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// The sign.Keypair methods.
func (k testKey) GetHashAlgorithm() protocommon.HashAlgorithm {
	return protocommon.HashAlgorithm_SHA2_256
}
func (k testKey) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256
}
func (k testKey) GetHint() []byte                { return []byte("fourc-test") }
func (k testKey) GetKeyAlgorithm() string        { return "ECDSA" }
func (k testKey) GetPublicKey() crypto.PublicKey { return &k.priv.PublicKey }
func (k testKey) GetPublicKeyPem() (string, error) {
	b, err := cryptoutils.MarshalPublicKeyToPEM(&k.priv.PublicKey)
	return string(b), err
}
func (k testKey) SignData(_ context.Context, data []byte) ([]byte, []byte, error) {
	sum := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, sum[:])
	return sig, sum[:], err
}

var _ sign.Keypair = testKey{}

// payload is Cosign's simple-signing document for an image.
func payload(identity, digest string) []byte {
	return fmt.Appendf(nil, `{"critical":{"identity":{"docker-reference":%q},"image":{"docker-manifest-digest":%q},"type":"cosign container image signature"},"optional":null}`, identity, digest)
}

// pushSimple stores a simple-signing signature the way Cosign does: one
// layer per signature under the tag sha256-<hex>.sig.
func pushSimple(t testing.TB, repo name.Repository, target v1.Hash, pl, sig []byte) {
	t.Helper()
	l := static.NewLayer(pl, SimpleSigningMediaType)
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: l, Annotations: map[string]string{SignatureAnnotation: base64.StdEncoding.EncodeToString(sig)}})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	if err := remote.Write(repo.Tag(SigTag(target)), img); err != nil {
		t.Fatalf("pushing signature: %v", err)
	}
}

// bundleFor signs an image's manifest with sigstore-go: a message
// signature whose digest is the image digest.
func bundleFor(t testing.TB, k testKey, manifest []byte) []byte {
	t.Helper()
	pb, err := sign.Bundle(&sign.PlainData{Data: manifest}, k, sign.BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := protojson.Marshal(pb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pushReferrer attaches a bundle to the image as an OCI 1.1 referrer with
// the bundle's artifact type (the registry keeps the tag fallback).
func pushReferrer(t testing.TB, repo name.Repository, target v1.Descriptor, bundleJSON []byte) {
	t.Helper()
	cfg := static.NewLayer([]byte("{}"), "application/vnd.oci.empty.v1+json")
	layer := static.NewLayer(bundleJSON, "application/vnd.dev.sigstore.bundle.v0.3+json")
	for _, l := range []v1.Layer{cfg, layer} {
		if err := remote.WriteLayer(repo, l); err != nil {
			t.Fatal(err)
		}
	}
	desc := func(l v1.Layer) v1.Descriptor {
		d, _ := l.Digest()
		s, _ := l.Size()
		mt, _ := l.MediaType()
		return v1.Descriptor{MediaType: mt, Digest: d, Size: s}
	}
	m := map[string]any{
		"schemaVersion": 2, "mediaType": types.OCIManifestSchema1,
		"artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
		"config":       desc(cfg), "layers": []v1.Descriptor{desc(layer)},
		"subject": v1.Descriptor{MediaType: target.MediaType, Digest: target.Digest, Size: target.Size},
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Put(repo.Digest(h.String()), rawManifest{raw}); err != nil {
		t.Fatalf("pushing referrer: %v", err)
	}
}

type rawManifest struct{ raw []byte }

func (r rawManifest) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

func TestVerifyAgainstRegistry(t *testing.T) {
	ctx := context.Background()
	reg := imagetest.Registry(t)
	key, other := newKey(t), newKey(t)
	keyPath := key.writePub(t)

	push := func(repoName string, seed int64) (name.Repository, v1.Descriptor, []byte) {
		t.Helper()
		repo, err := name.NewRepository(reg+"/"+repoName, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		img, err := random.Image(512+seed, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(repo.Tag("v1"), img); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		s, _ := img.Size()
		mt, _ := img.MediaType()
		raw, _ := img.RawManifest()
		return repo, v1.Descriptor{Digest: d, Size: s, MediaType: mt}, raw
	}

	tests := []struct {
		name    string
		setup   func(repo name.Repository, d v1.Descriptor, raw []byte)
		key     string
		require bool
		want    []string
		valid   bool
	}{
		{name: "unsigned, signature required", setup: func(name.Repository, v1.Descriptor, []byte) {}, require: true, want: []string{"FC-SIG-001"}},
		{name: "unsigned, key given", setup: func(name.Repository, v1.Descriptor, []byte) {}, key: keyPath, want: []string{"FC-SIG-001"}},
		{
			name: "signed with the key",
			setup: func(repo name.Repository, d v1.Descriptor, _ []byte) {
				pl := payload(repo.Name(), d.Digest.String())
				pushSimple(t, repo, d.Digest, pl, key.sign(t, pl))
			},
			key: keyPath, valid: true,
		},
		{
			name: "signed with another key",
			setup: func(repo name.Repository, d v1.Descriptor, _ []byte) {
				pl := payload(repo.Name(), d.Digest.String())
				pushSimple(t, repo, d.Digest, pl, other.sign(t, pl))
			},
			key: keyPath, want: []string{"FC-SIG-002"},
		},
		{
			name: "tampered payload",
			setup: func(repo name.Repository, d v1.Descriptor, _ []byte) {
				pl := payload(repo.Name(), d.Digest.String())
				sig := key.sign(t, pl)
				pushSimple(t, repo, d.Digest, bytes.Replace(pl, []byte("cosign container"), []byte("cosign-container"), 1), sig)
			},
			key: keyPath, want: []string{"FC-SIG-002"},
		},
		{
			name: "tampered image: another image's signature copied over",
			setup: func(repo name.Repository, d v1.Descriptor, _ []byte) {
				genuine := "sha256:" + strings.Repeat("ab", 32)
				pl := payload(repo.Name(), genuine)
				pushSimple(t, repo, d.Digest, pl, key.sign(t, pl))
			},
			key: keyPath, want: []string{"FC-SIG-002"},
		},
		{
			name: "signed for another repository",
			setup: func(repo name.Repository, d v1.Descriptor, _ []byte) {
				pl := payload("registry.example.com/other/app", d.Digest.String())
				pushSimple(t, repo, d.Digest, pl, key.sign(t, pl))
			},
			key: keyPath, want: []string{"FC-SIG-003"},
		},
		{
			name: "sigstore bundle referrer signed with the key",
			setup: func(repo name.Repository, d v1.Descriptor, raw []byte) {
				pushReferrer(t, repo, d, bundleFor(t, key, raw))
			},
			key: keyPath, valid: true,
		},
		{
			name: "sigstore bundle referrer signed with another key",
			setup: func(repo name.Repository, d v1.Descriptor, raw []byte) {
				pushReferrer(t, repo, d, bundleFor(t, other, raw))
			},
			key: keyPath, want: []string{"FC-SIG-002"},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, d, raw := push(fmt.Sprintf("sig/case%d", i), int64(i))
			tt.setup(repo, d, raw)
			res, fs, err := Verify(ctx, repo, d.Digest, Options{KeyPath: tt.key, Require: tt.require})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.CheckID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %v, want %v\nsignatures: %+v", got, tt.want, res.Signatures)
			}
			if res.Verified() != tt.valid {
				t.Errorf("verified = %v, want %v (%+v)", res.Verified(), tt.valid, res.Signatures)
			}
		})
	}
}
