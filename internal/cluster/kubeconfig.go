package cluster

import (
	"slices"

	"k8s.io/client-go/tools/clientcmd"
)

// contextNamespaces reads the kubeconfig the loading rules find (explicit
// when given) without contacting any server, and returns its current
// context and the namespace each context names ("" for none).
func contextNamespaces(explicit string) (string, map[string]string) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = explicit
	raw, err := rules.Load()
	if err != nil || raw == nil {
		return "", nil
	}
	m := make(map[string]string, len(raw.Contexts))
	for name, c := range raw.Contexts {
		if c != nil {
			m[name] = c.Namespace
		}
	}
	return raw.CurrentContext, m
}

// KubeContexts lists the contexts of the kubeconfig, sorted, for shell
// completion; nothing when there is none to read.
func KubeContexts(kubeconfig string) []string {
	_, contexts := contextNamespaces(kubeconfig)
	out := make([]string, 0, len(contexts))
	for name := range contexts {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// KubeNamespaces lists, for shell completion, the namespaces the
// kubeconfig's contexts name: the given context's (or the current one's)
// first, then the others sorted, and "default". It reads the file only:
// the cluster's own list would need a request to the server.
func KubeNamespaces(kubeconfig, context string) []string {
	current, contexts := contextNamespaces(kubeconfig)
	if contexts == nil {
		return nil
	}
	if context == "" {
		context = current
	}
	var first, rest []string
	if ns := contexts[context]; ns != "" {
		first = append(first, ns)
	}
	for _, ns := range contexts {
		if ns != "" && !slices.Contains(first, ns) && !slices.Contains(rest, ns) {
			rest = append(rest, ns)
		}
	}
	if !slices.Contains(first, "default") && !slices.Contains(rest, "default") {
		rest = append(rest, "default")
	}
	slices.Sort(rest)
	return append(first, rest...)
}
