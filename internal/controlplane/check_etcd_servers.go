package controlplane

// FC-CIS-036 inspects the API server's --etcd-servers: every URL must be
// https:// (a unix socket passes). FC-CIS-057 inspects etcd's
// --listen-client-urls the same way.

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
)

func evalEtcdServers(c *ComponentConfig) []check.Violation {
	return plainURLs(c, "etcd-servers", "must reach etcd over https://")
}

func evalEtcdListen(c *ComponentConfig) []check.Violation {
	return plainURLs(c, "listen-client-urls", "must serve clients over https://")
}

func plainURLs(c *ComponentConfig, flag, must string) []check.Violation {
	a, ok := c.Flag(flag)
	if !ok {
		return nil
	}
	var plain []string
	for _, u := range listValue(a.Value) {
		if strings.HasPrefix(strings.ToLower(u), "http://") {
			plain = append(plain, u)
		}
	}
	if len(plain) == 0 {
		return nil
	}
	return []check.Violation{{
		Message: fmt.Sprintf("%s %s; --%s has %s", c.Component, must, flag, strings.Join(plain, ", ")),
		Field:   "--" + flag, Line: a.Line,
	}}
}
