package cluster

// Entry points for tests only: production code reaches the same logic
// through their callers.

// Resources returns the resources a read lists, as "group/resource" (or
// "resource" for the core group), secrets and nodes included. The ClusterRole in
// deploy/fourc-reader-clusterrole.yaml grants "list" on exactly these.
func Resources() []string {
	var out []string
	for _, r := range resources() {
		out = append(out, r.String())
	}
	return append(out, "secrets", "nodes")
}

func (r resource) String() string {
	if r.group == "" {
		return r.name
	}
	return r.group + "/" + r.name
}
