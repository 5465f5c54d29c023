// Package catalogue builds the registry of every check fourc can emit: the
// checks of each capability, the attack-path rules of posture and, per
// run, the user's own rules. The list is explicit (no init-time
// registration): a new capability adds its Checks() to [Registry]. The
// package also renders the catalogue as docs/checks.md.
package catalogue

import (
	"github.com/fourc-dev/fourc/internal/audit"
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/cluster"
	"github.com/fourc-dev/fourc/internal/controlplane"
	"github.com/fourc-dev/fourc/internal/deps"
	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/host"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/objectstore"
	"github.com/fourc-dev/fourc/internal/posture"
	"github.com/fourc-dev/fourc/internal/probe"
	"github.com/fourc-dev/fourc/internal/sast"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/signature"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// Groups lists the checks of every capability, one group each, in the
// order of the layers (Code, Container, Cluster, Cloud), then the
// attack-path rules that cross them.
func Groups() [][]check.Meta {
	return [][]check.Meta{
		secret.Checks(),
		sast.Checks(),
		deps.Checks(),
		vuln.Checks(),
		dockerfile.Checks(),
		image.Checks(),
		malware.Checks(),
		signature.Checks(),
		kube.Checks(),
		cluster.Checks(),
		controlplane.Checks(),
		probe.Checks(),
		audit.Checks(),
		iac.Checks(),
		objectstore.Checks(),
		host.Checks(),
		posture.Checks(),
	}
}

// Registry builds the validated registry of every check fourc ships.
func Registry() (*check.Registry, error) {
	return check.NewRegistry(Groups()...)
}

// WithUser adds the user's rules of one run to the registry: secret rules
// from fourc.yaml (the detector's checks that are not fourc's) and posture
// rules, and any other user checks (cloud rules). Their IDs live in the
// user's namespace (see [check.ValidUserID]).
func WithUser(reg *check.Registry, sec *secret.Detector, rules *posture.RuleSet, more ...check.Meta) (*check.Registry, error) {
	var user []check.Meta
	if sec != nil {
		for _, m := range sec.Checks() {
			if _, ok := reg.Lookup(m.ID); !ok {
				user = append(user, m)
			}
		}
	}
	return reg.WithUser(append(user, more...), rules.Checks())
}
