package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// jwtPattern is three base64url parts separated by dots, the first being a
// JSON object ("eyJ" is the base64 of `{"`).
const jwtPattern = `\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})`

// jwtClaims decodes a token's header and payload; ok is false unless the
// header is a JSON object with "alg" and the payload a JSON object.
func jwtClaims(token []byte) (claims map[string]any, ok bool) {
	parts := bytes.Split(token, []byte("."))
	if len(parts) != 3 {
		return nil, false
	}
	var header map[string]any
	if !decodeJSONPart(parts[0], &header) {
		return nil, false
	}
	if _, ok := header["alg"]; !ok {
		return nil, false
	}
	if !decodeJSONPart(parts[1], &claims) {
		return nil, false
	}
	return claims, true
}

func decodeJSONPart(part []byte, v any) bool {
	raw := make([]byte, base64.RawURLEncoding.DecodedLen(len(part)))
	n, err := base64.RawURLEncoding.Decode(raw, bytes.TrimRight(part, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw[:n], v) == nil
}

// isServiceAccountToken reports whether JWT claims are those of a Kubernetes
// service account token: the legacy issuer "kubernetes/serviceaccount" or a
// bound token's "kubernetes.io" claim.
func isServiceAccountToken(claims map[string]any) bool {
	if iss, _ := claims["iss"].(string); iss == "kubernetes/serviceaccount" {
		return true
	}
	if _, ok := claims["kubernetes.io"]; ok {
		return true
	}
	sub, _ := claims["sub"].(string)
	return strings.HasPrefix(sub, "system:serviceaccount:")
}

// FC-SEC-014 inspects any text for JSON Web Tokens: three base64url parts
// whose header decodes to a JSON object with "alg" and whose payload decodes
// to a JSON object. Kubernetes service account tokens go to FC-SEC-015.
func ruleJWT() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-014",
			"JSON Web Token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A signed JSON Web Token is committed to a file. Until it expires, or forever if it has no expiry, it authenticates its bearer to every service that trusts the issuer.",
			"Revoke the token or rotate the issuer's signing key, remove the token from the file and its history, and fetch tokens at run time.",
			cwe798(),
			finding.Reference{Source: "RFC 7519", URL: "https://www.rfc-editor.org/rfc/rfc7519"},
		),
		Name:       "jwt",
		Label:      "JSON Web Token",
		Keywords:   []string{"eyj"},
		Pattern:    jwtPattern,
		Entropy:    3.0,
		Allowlists: placeholders(),
		Verify: func(secret, _ []byte) (string, bool) {
			claims, ok := jwtClaims(secret)
			return "", ok && !isServiceAccountToken(claims)
		},
	}
}

// FC-SEC-015 inspects any text for Kubernetes service account tokens: JWTs
// (as in FC-SEC-014) whose issuer is "kubernetes/serviceaccount", that carry
// a "kubernetes.io" claim, or whose subject is system:serviceaccount:….
func ruleKubernetesSAToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-015",
			"Kubernetes service account token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A Kubernetes service account token is committed to a file. It authenticates to the API server with every permission bound to the service account; legacy tokens never expire.",
			"Delete the token's Secret (or the service account) to revoke it, remove it from the file and its history, and rely on projected, short-lived tokens.",
			cwe798(),
			finding.Reference{Source: "Kubernetes: service account tokens", URL: "https://kubernetes.io/docs/concepts/security/service-accounts/"},
		),
		Name:       "kubernetes-service-account-token",
		Label:      "Kubernetes service account token",
		Keywords:   []string{"eyj"},
		Pattern:    jwtPattern,
		Entropy:    3.0,
		Allowlists: placeholders(),
		Verify: func(secret, _ []byte) (string, bool) {
			claims, ok := jwtClaims(secret)
			return "", ok && isServiceAccountToken(claims)
		},
	}
}
