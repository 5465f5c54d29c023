package cluster

import (
	"slices"

	"k8s.io/client-go/tools/clientcmd"
)

// rawKubeconfig reads the kubeconfig the loading rules find (explicit
// when given), without contacting any server.
func rawKubeconfig(explicit string) (*clientcmdRaw, bool) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = explicit
	raw, err := rules.Load()
	if err != nil || raw == nil {
		return nil, false
	}
	return &clientcmdRaw{current: raw.CurrentContext, namespaces: func() map[string]string {
		m := map[string]string{}
		for name, c := range raw.Contexts {
			if c != nil {
				m[name] = c.Namespace
			}
		}
		return m
	}()}, true
}

// clientcmdRaw is what completion needs of a kubeconfig: its contexts,
// the current one and the namespace each names.
type clientcmdRaw struct {
	current    string
	namespaces map[string]string
}

// KubeContexts lists the contexts of the kubeconfig, sorted, for shell
// completion; nothing when there is none to read.
func KubeContexts(kubeconfig string) []string {
	raw, ok := rawKubeconfig(kubeconfig)
	if !ok {
		return nil
	}
	var out []string
	for name := range raw.namespaces {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// KubeNamespaces lists the namespaces the kubeconfig's contexts name, the
// given context's (or the current one's) first, for shell completion. It
// reads the file only: listing the cluster's namespaces would need a
// request to the server.
func KubeNamespaces(kubeconfig, context string) []string {
	raw, ok := rawKubeconfig(kubeconfig)
	if !ok {
		return nil
	}
	if context == "" {
		context = raw.current
	}
	var out []string
	if ns := raw.namespaces[context]; ns != "" {
		out = append(out, ns)
	}
	var rest []string
	for _, ns := range raw.namespaces {
		if ns != "" && !slices.Contains(out, ns) && !slices.Contains(rest, ns) {
			rest = append(rest, ns)
		}
	}
	slices.Sort(rest)
	if !slices.Contains(out, "default") && !slices.Contains(rest, "default") {
		rest = append(rest, "default")
	}
	return append(out, rest...)
}
