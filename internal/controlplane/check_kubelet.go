package controlplane

// Kubelet checks that judge more than one value:
//
// FC-CIS-064 streamingConnectionIdleTimeout / --streaming-connection-idle-timeout:
// a zero duration fails; unset (4h) and other durations pass.
//
// FC-CIS-068 eventRecordQPS / --event-qps: 0 or a negative value fails;
// unset (50) passes.
//
// FC-CIS-069 tlsCertFile and tlsPrivateKeyFile / --tls-cert-file and
// --tls-private-key-file: both set passes, and so does serverTLSBootstrap:
// true (--rotate-server-certificates); otherwise it fails.
//
// FC-CIS-073 podPidsLimit / --pod-max-pids: unset or below 1 fails.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fourc-dev/fourc/internal/check"
)

func evalStreamingTimeout(c *ComponentConfig) []check.Violation {
	s := c.Lookup("streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", "4h0m0s", "")
	if !s.Set {
		return nil
	}
	if d, err := time.ParseDuration(strings.TrimSpace(s.Value)); (err == nil && d == 0) || strings.TrimSpace(s.Value) == "0" {
		return []check.Violation{{Message: fmt.Sprintf("kubelet must not set %s to 0 (idle streams never close)", s.Name), Field: s.Name, Line: s.Line}}
	}
	return nil
}

func evalEventQPS(c *ComponentConfig) []check.Violation {
	s := c.Lookup("event-qps", "eventRecordQPS", "50", "50")
	if !s.Set {
		return nil
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(s.Value), 64); err != nil || v <= 0 {
		return []check.Violation{{Message: fmt.Sprintf("kubelet must set %s to a positive rate (it is %q, which removes the limit)", s.Name, s.Value), Field: s.Name, Line: s.Line}}
	}
	return nil
}

func evalKubeletServingCert(c *ComponentConfig) []check.Violation {
	if b := c.Lookup("rotate-server-certificates", "serverTLSBootstrap", "false", ""); b.Set && sameValue(b.Value, "true") {
		return nil
	}
	cert := c.Lookup("tls-cert-file", "tlsCertFile", "", "")
	key := c.Lookup("tls-private-key-file", "tlsPrivateKeyFile", "", "")
	if cert.Set && key.Set && cert.Value != "" && key.Value != "" {
		return nil
	}
	return []check.Violation{{
		Message: fmt.Sprintf("kubelet must set %s and %s, or serverTLSBootstrap: true (it serves a self-signed certificate)", cert.Name, key.Name),
		Field:   cert.Name, Line: cert.Line,
	}}
}

func evalPodPids(c *ComponentConfig) []check.Violation {
	s := c.Lookup("pod-max-pids", "podPidsLimit", "-1", "-1")
	v, err := strconv.Atoi(strings.TrimSpace(s.Value))
	if err == nil && v > 0 {
		return nil
	}
	state := fmt.Sprintf("it is %q", s.Value)
	if !s.Set {
		state = "it is unset, so unlimited"
	}
	return []check.Violation{{Message: fmt.Sprintf("kubelet must set %s to a positive limit (%s)", s.Name, state), Field: s.Name, Line: s.Line}}
}
