package controlplane

// FC-CIS-034 inspects the API server's OIDC flags and its structured
// AuthenticationConfiguration (--authentication-config): an
// --oidc-issuer-url must be https:// and come with --oidc-client-id; every
// jwt[].issuer must have an https:// url and at least one audience.
// Without OIDC or JWT authentication the check passes.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
)

func evalOIDC(c *ComponentConfig) []check.Violation {
	var out []check.Violation
	if a, ok := c.Flag("oidc-issuer-url"); ok {
		if !strings.HasPrefix(strings.ToLower(a.Value), "https://") {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("%s --oidc-issuer-url must be an https:// URL, not %q", c.Component, a.Value),
				Field:   "--oidc-issuer-url", Line: a.Line, Discriminator: "issuer",
			})
		}
		if id, ok := c.Flag("oidc-client-id"); !ok || strings.TrimSpace(id.Value) == "" {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("%s must set --oidc-client-id with --oidc-issuer-url", c.Component),
				Field:   "--oidc-issuer-url", Line: a.Line, Discriminator: "client-id",
			})
		}
	}
	d := c.Docs["authentication-config"]
	if d == nil || d.Root == nil {
		return out
	}
	for i, jwt := range d.Root.get("jwt").items() {
		issuer := jwt.get("issuer")
		url := issuer.get("url").str()
		if !strings.HasPrefix(strings.ToLower(url), "https://") {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("authentication configuration %s: jwt[%d].issuer.url must be an https:// URL, not %q", d.Path, i, url),
				Field:   d.Path, Line: issuer.keyLine("url"), Discriminator: fmt.Sprintf("jwt[%d].url", i),
			})
		}
		if len(issuer.get("audiences").items()) == 0 {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("authentication configuration %s: jwt[%d].issuer.audiences must name the client IDs it accepts", d.Path, i),
				Field:   d.Path, Line: jwt.keyLine("issuer"), Discriminator: fmt.Sprintf("jwt[%d].audiences", i),
			})
		}
	}
	return out
}
