package controlplane

// FC-CIS-033 inspects --tls-min-version of the API server, controller
// manager, scheduler and kubelet (VersionTLS10 and VersionTLS11 fail), the
// kubelet's tlsMinVersion key, and etcd's --tls-min-version (TLS1.0 and
// TLS1.1 fail). Unset passes: the default is TLS 1.2.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
)

func evalTLSMinVersion(c *ComponentConfig) []check.Violation {
	key := ""
	if c.Component == Kubelet {
		key = "tlsMinVersion"
	}
	s := c.Lookup("tls-min-version", key, "", "")
	if !s.Set {
		return nil
	}
	switch strings.ToUpper(strings.TrimSpace(s.Value)) {
	case "VERSIONTLS10", "VERSIONTLS11", "TLS1.0", "TLS1.1", "VERSIONSSL30":
		return []check.Violation{{
			Message: fmt.Sprintf("%s must not accept TLS older than 1.2 (%s is %q)", c.Component, s.Name, s.Value),
			Field:   s.Name, Line: s.Line,
		}}
	}
	return nil
}
