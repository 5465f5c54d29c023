package controlplane

// FC-CIS-035 reads the kubeconfig files of the API server's webhooks
// (--authentication-token-webhook-config-file,
// --authorization-webhook-config-file, --audit-webhook-config-file,
// --admission-control-config-file is not one) and of Webhook authorizers
// in a structured AuthorizationConfiguration: each cluster's server must be
// https:// and insecure-skip-tls-verify must not be true. No webhook passes.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
)

// webhookFlags are the API server flags that name webhook kubeconfigs.
var webhookFlags = []string{"authentication-token-webhook-config-file", "authorization-webhook-config-file", "audit-webhook-config-file"}

func evalWebhooks(c *ComponentConfig) []check.Violation {
	var out []check.Violation
	for _, flag := range webhookFlags {
		d := c.Docs[flag]
		if d == nil || d.Root == nil {
			continue
		}
		out = append(out, kubeconfigViolations(d, "--"+flag)...)
	}
	if d := c.Docs["authorization-config"]; d != nil && d.Root != nil {
		for i, a := range d.Root.get("authorizers").items() {
			conn := a.path("webhook.connectionInfo")
			if a.get("type").str() != "Webhook" || conn.get("type").str() != "KubeConfigFile" {
				continue
			}
			if kd := c.Docs[fmt.Sprintf("authorization-config/authorizers[%d]", i)]; kd != nil && kd.Root != nil {
				out = append(out, kubeconfigViolations(kd, fmt.Sprintf("authorizer %q", a.get("name").str()))...)
			}
		}
	}
	return out
}

// kubeconfigViolations judges the clusters of a webhook kubeconfig.
func kubeconfigViolations(d *Doc, what string) []check.Violation {
	var out []check.Violation
	for _, cl := range d.Root.get("clusters").items() {
		name := cl.get("name").str()
		cluster := cl.get("cluster")
		server := cluster.get("server").str()
		if !strings.HasPrefix(strings.ToLower(server), "https://") {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("webhook kubeconfig %s (%s), cluster %q: server must be https://, not %q", d.Path, what, name, server),
				Field:   d.Path, Line: cluster.keyLine("server"), Discriminator: d.Path + "/" + name + "/server",
			})
		}
		if v, ok := boolValue(cluster.get("insecure-skip-tls-verify").str()); ok && v {
			out = append(out, check.Violation{
				Message: fmt.Sprintf("webhook kubeconfig %s (%s), cluster %q must not set insecure-skip-tls-verify: true", d.Path, what, name),
				Field:   d.Path, Line: cluster.keyLine("insecure-skip-tls-verify"), Discriminator: d.Path + "/" + name + "/skip",
			})
		}
	}
	return out
}
