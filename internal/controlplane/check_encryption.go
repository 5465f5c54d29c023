package controlplane

// FC-CIS-028 and FC-CIS-029 read the file named by the API server's
// --encryption-provider-config. FC-CIS-028 fails when no entry covers
// secrets or the first provider for secrets is identity. FC-CIS-029 fails
// when that first provider is aescbc, aesgcm or kms with apiVersion v1 (or
// none); kms v2 and secretbox pass. Without the flag both pass (FC-CIS-027
// reports it); an unreadable file is reported as skipped by the scan.

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
)

// encryptionOf returns the API server's decoded encryption configuration.
func encryptionOf(c *ComponentConfig) (*EncryptionConfig, bool) {
	d := c.Docs["encryption-provider-config"]
	if d == nil || d.Err != nil {
		return nil, false
	}
	cfg, err := encryptionFromDoc(d)
	return cfg, err == nil
}

func evalEncryptionPlaintext(c *ComponentConfig) []check.Violation {
	cfg, ok := encryptionOf(c)
	if !ok {
		return nil
	}
	er, ok := cfg.For("secrets")
	if !ok {
		return []check.Violation{{
			Message: fmt.Sprintf("encryption configuration %s must cover secrets; no entry names them, so they are stored in plain text", cfg.Path),
			Field:   cfg.Path, Line: 1,
		}}
	}
	if len(er.Providers) == 0 {
		return []check.Violation{{
			Message: fmt.Sprintf("encryption configuration %s lists no provider for secrets", cfg.Path),
			Field:   cfg.Path, Line: er.Line,
		}}
	}
	if first := er.Providers[0]; first.Name == "identity" {
		return []check.Violation{{
			Message: fmt.Sprintf("encryption configuration %s must not put identity first for secrets: new Secrets are written in plain text", cfg.Path),
			Field:   cfg.Path, Line: first.Line,
		}}
	}
	return nil
}

func evalEncryptionWeak(c *ComponentConfig) []check.Violation {
	cfg, ok := encryptionOf(c)
	if !ok {
		return nil
	}
	er, ok := cfg.For("secrets")
	if !ok || len(er.Providers) == 0 {
		return nil
	}
	first := er.Providers[0]
	why := ""
	switch {
	case first.Name == "aescbc":
		why = "aescbc is open to padding-oracle attacks"
	case first.Name == "aesgcm":
		why = "aesgcm must be given a new key every 200,000 writes"
	case first.Name == "kms" && first.APIVersion != "v2":
		why = "kms v1 is deprecated and disabled by default"
	default:
		return nil
	}
	return []check.Violation{{
		Message: fmt.Sprintf("encryption configuration %s encrypts secrets with %s: %s; use kms v2 or secretbox", cfg.Path, first.Label(), why),
		Field:   cfg.Path, Line: first.Line,
	}}
}
