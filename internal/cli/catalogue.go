package cli

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/iac"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/secret"
)

// registry builds the validated catalogue of every check fourc has. The
// list is explicit: a new capability adds its Checks() here.
func registry() (*check.Registry, error) {
	return check.NewRegistry(
		secret.Checks(),
		dockerfile.Checks(),
		kube.Checks(),
		iac.Checks(),
	)
}

// scanners builds the file scanners for `fourc scan`, configured from cfg.
func scanners(cfg *config.Config) ([]engine.Scanner, error) {
	sec, err := secret.NewScanner(secret.Options{
		DisabledRules:  cfg.Secrets.DisabledRules,
		GitleaksConfig: cfg.Secrets.GitleaksConfig,
	})
	if err != nil {
		return nil, fmt.Errorf("secret rules: %w", err)
	}
	return []engine.Scanner{
		sec,
		dockerfile.NewScanner(dockerfile.Options{AllowedRegistries: cfg.Dockerfile.AllowedRegistries}),
		kube.NewScanner(kube.Options{UntrustedNamespaceLabel: cfg.Kubernetes.UntrustedNamespaceLabel}),
		iac.NewScanner(iac.Options{}),
	}, nil
}
