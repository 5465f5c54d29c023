package signature

import (
	"testing"
)

// FuzzEvaluate feeds arbitrary payloads, signatures and bundles to the
// verifier: it must never panic, and nothing it cannot verify may count
// as verified.
func FuzzEvaluate(f *testing.F) {
	key := newKey(f)
	pl := payload(fixImage, fixDigest)
	f.Add(pl, key.sign(f, pl), []byte(nil))
	f.Add([]byte(`{"critical":{}}`), []byte("sig"), []byte(nil))
	f.Add([]byte(nil), []byte(nil), []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	f.Add([]byte(nil), []byte(nil), bundleFor(f, key, []byte("manifest")))
	f.Fuzz(func(t *testing.T, payload, sig, bundle []byte) {
		raw := Raw{Source: "fuzz", Payload: payload, Signature: sig, Bundle: bundle}
		res := Evaluate(fixImage, fixDigest, key.GetPublicKey(), []Raw{raw})
		_ = Findings(res)
		untrusted := newKey(t)
		if r := Evaluate(fixImage, fixDigest, untrusted.GetPublicKey(), []Raw{raw}); r.Verified() {
			t.Fatalf("a signature verified with a key that never signed anything: %+v", r.Signatures)
		}
	})
}
