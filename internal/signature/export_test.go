package signature

// Verified is for tests: the checks judge each signature on its own.

// Verified reports whether a signature verifies with the key, covers the
// image's digest and names the image's repository.
func (r *Result) Verified() bool {
	for _, s := range r.Signatures {
		if s.Valid && s.Digest == r.Digest && s.identityOK(r.Image) {
			return true
		}
	}
	return false
}
