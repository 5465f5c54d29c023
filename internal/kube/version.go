package kube

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/pod-security-admission/api"
)

// ParseKubernetesVersion reads the Kubernetes version at which the Pod
// Security Standards are evaluated: "latest", or a minor version written
// "1.29", "v1.29", or as a full server version ("v1.29.3",
// "v1.29.3-eks-1234"). It returns the version in the form the
// pod-security.kubernetes.io/*-version labels use ("v1.29", "latest").
func ParseKubernetesVersion(s string) (string, error) {
	v, err := parseKubernetesVersion(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

func parseKubernetesVersion(s string) (api.Version, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "latest" {
		return api.LatestVersion(), nil
	}
	t = strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	parts := strings.SplitN(t, ".", 3)
	bad := fmt.Errorf("parsing Kubernetes version %q: want latest or 1.MINOR (e.g. 1.29, v1.29.3)", s)
	if len(parts) < 2 || parts[0] != "1" {
		return api.Version{}, bad
	}
	minor := parts[1]
	if i := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = minor[:i] // "29+" as some providers' minor versions read
	}
	n, err := strconv.Atoi(minor)
	if err != nil || n < 0 || n > 999 {
		return api.Version{}, bad
	}
	return api.MajorMinorVersion(1, n), nil
}

// atVersion returns the version a label asks for, as a cluster at cluster
// evaluates it: "latest" and versions newer than the cluster mean the
// cluster's own.
func atVersion(label, cluster api.Version) api.Version {
	if label.Latest() || cluster.Older(label) {
		return cluster
	}
	return label
}
