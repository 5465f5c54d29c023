package dockerfile

// FC-DF-003 inspects the registry and repository of every stage's external
// base image (FROM) against Options.AllowedRegistries. It is silent when
// the list is empty. An entry is a registry host ("ghcr.io") or a host and
// path prefix ("ghcr.io/acme"); bare names such as "alpine" come from
// docker.io, and docker.io, index.docker.io and registry-1.docker.io are
// one registry. A reference whose ARGs have no value is judged when they
// can only change its tag or digest.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// allowedRegistry is one parsed allow-list entry.
type allowedRegistry struct {
	host, prefix string
}

func parseAllowedRegistries(entries []string) []allowedRegistry {
	var out []allowedRegistry
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if _, rest, ok := strings.Cut(e, "://"); ok {
			e = rest
		}
		e = strings.Trim(e, "/")
		if e == "" {
			continue
		}
		host, prefix, _ := strings.Cut(e, "/")
		out = append(out, allowedRegistry{host: normalizeRegistry(host), prefix: prefix})
	}
	return out
}

func normalizeRegistry(host string) string {
	host = strings.ToLower(host)
	switch host {
	case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		return dockerHub
	}
	return host
}

func (a allowedRegistry) allows(im Image) bool {
	if normalizeRegistry(im.Registry) != a.host {
		return false
	}
	return a.prefix == "" || im.Repository == a.prefix || strings.HasPrefix(im.Repository, a.prefix+"/")
}

func checkRegistry(allowed []string) check.Check[*File] {
	list := parseAllowedRegistries(allowed)
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-003",
			"Base image comes from a registry outside the allow-list",
			finding.SeverityHigh,
			finding.LayerContainer,
			"Base images from registries the organisation has not approved escape its vetting, "+
				"mirroring and scanning, and are a supply-chain entry point.",
			"Pull the base image from an approved registry (mirror it there if needed), or add the registry to the allow-list.",
			cis("4.2"),
			cwe(829),
		),
		Eval: func(f *File) []check.Violation {
			if len(list) == 0 {
				return nil
			}
			var out []check.Violation
			for _, s := range f.Stages {
				if s.Base.Scratch || s.Base.Stage >= 0 || s.Base.Registry == "" {
					continue
				}
				ok := false
				for _, a := range list {
					ok = ok || a.allows(s.Base)
				}
				if ok {
					continue
				}
				out = append(out, check.Violation{
					Message: fmt.Sprintf("%s base image %q comes from %q, which is not in the allowed registries (%s)",
						stageRef(s), s.Base.Ref, s.Base.Registry+"/"+s.Base.Repository, strings.Join(allowed, ", ")),
					Line:          s.From.StartLine,
					Discriminator: s.Label() + "\x00" + s.Base.Ref,
				})
			}
			return out
		},
	}
}
