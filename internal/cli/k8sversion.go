package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/kube"
)

// addK8sVersionFlag adds --k8s-version, the Kubernetes version manifests
// are evaluated for.
func addK8sVersionFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "k8s-version", "", `Kubernetes version the manifests are for, e.g. 1.29: Pod Security Standards are evaluated at it (default: config kubernetes.version, else latest)`)
}

// k8sVersion puts --k8s-version, when given, into cfg and checks the
// version cfg ends up with.
func k8sVersion(cmd *cobra.Command, cfg *config.Config, flag string) error {
	if cmd.Flags().Changed("k8s-version") {
		cfg.Kubernetes.Version = flag
	}
	if _, err := kube.ParseKubernetesVersion(cfg.Kubernetes.Version); err != nil {
		return fmt.Errorf("--k8s-version: %w", err)
	}
	return nil
}

// addRuntimeHandlersFlag adds --runtime-handlers, the container runtime
// handlers the cluster's nodes offer, which RuntimeClasses are judged
// against (kube.Options.RuntimeHandlers).
func addRuntimeHandlersFlag(cmd *cobra.Command, dst *[]string) {
	cmd.Flags().StringSliceVar(dst, "runtime-handlers", nil, `the handlers your nodes offer, as "fourc host" prints them (e.g. runc,runsc): a RuntimeClass naming another is reported; a live scan uses them only when the nodes do not report theirs (default: unknown, not checked)`)
}
