package iac

import (
	"crypto/x509"
	"encoding/pem"
	"time"

	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"
)

// certExpired(s) is true when s holds a PEM certificate whose validity
// ended before now (the first CERTIFICATE block counts); false for any
// other string or a certificate that cannot be parsed; unknown when s is.
func certExpired(v cref.Val) cref.Val {
	if types.IsUnknown(v) {
		return v
	}
	s, ok := v.(types.String)
	if !ok {
		return types.False
	}
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return types.False
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		return types.Bool(err == nil && c.NotAfter.Before(time.Now()))
	}
}
