package finding

// Asset is something a scanner saw that cross-layer correlation can join:
// a package, a Dockerfile, an image, a workload, a service account, a
// Service, a NetworkPolicy, a namespace, a bucket, a cluster. Scanners
// report assets beside their findings; the posture package builds one graph
// from them.
type Asset struct {
	// ID is a stable key unique within a scan, "<kind>:<name>", e.g.
	// "workload:shop/Deployment/api" or "image:registry.example.com/shop/api:latest".
	ID string `json:"id"`
	// Kind is the asset's type: package, dockerfile, image, workload,
	// serviceaccount, service, ingress, networkpolicy, namespace, role,
	// bucket, cluster, nodegroup, securitygroup, …
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Layer Layer  `json:"layer"`
	// Resource is the finding resource this asset corresponds to, so that
	// findings can be attached to it.
	Resource Resource `json:"resource"`
	Location Location `json:"location"`
	// Attrs hold facts correlation needs, e.g. "namespace", "privileged",
	// "hostNetwork", "exposure" ("LoadBalancer"), "selector".
	Attrs map[string]string `json:"attrs,omitempty"`
	// Edges point to other assets by ID.
	Edges []Edge `json:"edges,omitempty"`
	// Findings are the fingerprints of findings about this asset whatever
	// resource they name: an image scan's packages and files belong to
	// the image.
	Findings []string `json:"findings,omitempty"`
}

// Edge is a directed relation between two assets.
type Edge struct {
	// Rel names the relation: "runs" (workload → image), "builds" (dockerfile
	// → image), "uses" (workload → serviceaccount), "exposes" (service →
	// workload), "selects" (networkpolicy → workload), "in" (x → namespace),
	// "bound" (serviceaccount → role), "contains" (image → package).
	Rel string `json:"rel"`
	To  string `json:"to"`
}
